// Library failures as Python exceptions: one class per kind, each a cim.Error and the built-in exception a Python
// user would catch for it.
#include "common.h"

#include <map>

namespace cimpy {

namespace {

struct ErrorClasses {
  py::object base;
  std::map<cim::ErrorCode, py::object> byCode;
  py::object invalidArgument;
};

ErrorClasses& classes() {
  static ErrorClasses* c = new ErrorClasses();  // lives as long as the interpreter (never destroyed at exit)
  return *c;
}

py::object makeClass(py::module_& m, const char* name, py::object bases, const char* doc) {
  py::object cls = py::reinterpret_steal<py::object>(
      PyErr_NewExceptionWithDoc((std::string("cim.") + name).c_str(), doc, bases.ptr(), nullptr));
  if (!cls) throw py::error_already_set();
  m.attr(name) = cls;
  return cls;
}

}  // namespace

void registerErrors(py::module_& m) {
  auto& c = classes();
  py::object builtins = py::module_::import("builtins");
  c.base = makeClass(m, "Error", py::make_tuple(builtins.attr("Exception")),
                     "A libcim operation failed. str(e) is the library's message; e.code (e.g. 1001), e.code_name "
                     "('FileNotFound'), e.source (the file), e.element_id and e.diagnostics (every diagnostic the "
                     "operation gathered, as cim.Diagnostic) say more.");
  auto sub = [&](const char* name, py::object builtin, const char* doc) {
    return makeClass(m, name, py::make_tuple(c.base, builtin), doc);
  };
  py::object fileNotFound = sub("FileNotFoundError", builtins.attr("FileNotFoundError"), "An input file is missing.");
  py::object io = sub("IOError", builtins.attr("OSError"), "A file cannot be read or written.");
  py::object format = sub("FormatError", builtins.attr("ValueError"),
                          "An input is in no format libcim reads, or is corrupt, empty or without geometry.");
  py::object crs = sub("CrsError", builtins.attr("ValueError"),
                       "A CRS PROJ does not know, no transformation between two CRSs, or a point it cannot transform.");
  c.invalidArgument = sub("InvalidArgumentError", builtins.attr("ValueError"),
                          "An argument libcim cannot use: a selector, a rule file's line, a number out of range.");
  py::object cancelled = makeClass(m, "CancelledError", py::make_tuple(c.base),
                                   "The progress callback returned False: the operation stopped.");
  using E = cim::ErrorCode;
  c.byCode = {{E::FileNotFound, fileNotFound},        {E::FileUnreadable, io},
              {E::FileUnwritable, io},                {E::UnsupportedFormat, format},
              {E::CorruptFile, format},               {E::EmptyFile, format},
              {E::NoGeometry, format},                {E::InvalidArgument, c.invalidArgument},
              {E::Cancelled, cancelled},              {E::UnknownCrs, crs},
              {E::NoTransformation, crs},             {E::TransformFailed, crs},
              {E::IncompatibleCrs, crs},              {E::ReportCorrupt, format},
              {E::ReportVersionUnsupported, format}};
}

void raise(const cim::Diagnostic& error, const std::vector<cim::Diagnostic>& all) {
  auto& c = classes();
  auto it = c.byCode.find(error.code);
  py::object cls = it != c.byCode.end() ? it->second : c.base;
  const std::string message = cim::formatDiagnostic(error);
  py::object e = cls(message);
  e.attr("code") = cim::codeNumber(error.code);
  e.attr("code_name") = std::string(cim::codeName(error.code));
  e.attr("source") = error.source;
  e.attr("element_id") = error.elementId;
  py::list diags;
  for (const auto& d : all) diags.append(py::cast(d));
  e.attr("diagnostics") = diags;
  PyErr_SetObject(cls.ptr(), e.ptr());
  throw py::error_already_set();
}

void invalidArgument(const std::string& message) {
  raise(cim::Diagnostic::error(cim::ErrorCode::InvalidArgument, message), {});
}

}  // namespace cimpy
