// A Node-API module of the sanitized build only (CMakeLists.txt, ROIOPS_SANITIZE under
// cmake-js; scripts/sanitize.sh): leakCheck() runs LeakSanitizer's check now, in a live
// process, and says whether it found leaks (their report goes to stderr). vitest ends its
// worker forks with SIGTERM and, 500 ms later, SIGKILL, so LSan's own check at exit never
// runs there; scripts/sanitize-leak-check.ts calls this after each test file instead.
// Plain C Node-API, no node-addon-api: it is not part of the addon.
#include <node_api.h>
#include <sanitizer/lsan_interface.h>

namespace {

napi_value LeakCheck(napi_env env, napi_callback_info /*info*/) {
  napi_value result = nullptr;
  napi_get_boolean(env, __lsan_do_recoverable_leak_check() != 0, &result);
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value fn = nullptr;
  if (napi_create_function(env, "leakCheck", NAPI_AUTO_LENGTH, LeakCheck, nullptr, &fn) != napi_ok) return nullptr;
  if (napi_set_named_property(env, exports, "leakCheck", fn) != napi_ok) return nullptr;
  return exports;
}
