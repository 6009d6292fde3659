/* Link-time shims that let one Linux binary of the addon, built on a new glibc (Debian 12:
 * glibc 2.36, GCC 12), load on every glibc Node itself runs on: 2.28 and newer (RHEL 8,
 * Debian 10, Ubuntu 20.04). binding.gyp compiles this file, with the -Wl,--wrap=<symbol>
 * flags that go with it, when its `roiops_portable` variable is 1 (Linux only). Plain C, no
 * napi.h: it belongs to neither the kernels nor the Node-API glue.
 *
 * Why it is needed. The addon links libstdc++ in (-static-libstdc++), because a user's
 * system libstdc++ may be older than the compiler's (GLIBCXX_3.4.30 is GCC 12's). The
 * objects it then takes from libstdc++.a, and the inline code of its headers in ours, were
 * compiled against glibc 2.36, so the linker binds them to that glibc's newest versions:
 *  - pthread_create, _join, _detach, _once, _key_create, _key_delete, _getspecific,
 *    _setspecific @GLIBC_2.34: glibc 2.34 moved libpthread into libc and gave these a new
 *    version. Both versions are the same code (one address in libc.so.6), and the old one is
 *    still exported, so the wrappers below call the old one. Before 2.34 the old versions
 *    live in libpthread.so.0, which official Node binaries link (NEEDED, Node 20 to 26), and
 *    the dynamic linker resolves a versioned reference in whichever loaded object has it.
 *  - __libc_single_threaded @GLIBC_2.32: libstdc++ reads it to skip atomic instructions on
 *    reference counts while a process has one thread. Defined here, hidden, so the addon
 *    uses its own and asks glibc for none, and 0, which means "use the atomics": always
 *    correct, and Node always has several threads anyway.
 *  - arc4random @GLIBC_2.36: std::random_device's default source in libstdc++ 12. The addon
 *    never makes a random_device, but std::logic_error's copy-on-write strings pull in the
 *    object file that defines it, and with it the reference. The wrapper reads getentropy
 *    (glibc 2.25), as arc4random itself does.
 * With these, `objdump -T` of the addon shows nothing newer than GLIBC_2.25 and no GLIBCXX_
 * or CXXABI_ version; scripts/check-package.sh checks every prebuild for that.
 *
 * The old versions are named per architecture (the first glibc of each port). On other
 * architectures and on other C libraries (musl), the wrappers just call the symbol they
 * wrap: the wrap flags are the same everywhere, and only x86-64 and arm64 prebuilds ship. */
#if defined(__linux__)
#define _DEFAULT_SOURCE 1
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define ROIOPS_HIDDEN __attribute__((visibility("hidden")))

#if defined(__GLIBC__) && defined(__x86_64__)
#define ROIOPS_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__GLIBC__) && defined(__aarch64__)
#define ROIOPS_GLIBC_BASE "GLIBC_2.17"
#endif

#if defined(ROIOPS_GLIBC_BASE)
/* roiops_old_<name> is an undefined reference that the assembler renames to
 * <name>@<base version>: a reference to that exact, older version of the symbol. */
#define ROIOPS_TARGET(name) roiops_old_##name
#define ROIOPS_BIND(name) __asm__(".symver roiops_old_" #name "," #name "@" ROIOPS_GLIBC_BASE);
#else
/* --wrap=<name> makes __real_<name> the symbol itself. */
#define ROIOPS_TARGET(name) __real_##name
#define ROIOPS_BIND(name)
#endif

/* Declares the reference to the old version (or the real symbol) and defines __wrap_<name>,
 * which the linker substitutes for every reference to <name> (-Wl,--wrap=<name>), including
 * those inside libstdc++.a. */
#define ROIOPS_WRAP(ret, name, params, args) \
  extern ret ROIOPS_TARGET(name) params;     \
  ROIOPS_BIND(name)                          \
  ROIOPS_HIDDEN ret __wrap_##name params;    \
  ROIOPS_HIDDEN ret __wrap_##name params { return ROIOPS_TARGET(name) args; }

ROIOPS_WRAP(int, pthread_create, (pthread_t * thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg),
            (thread, attr, start, arg))
ROIOPS_WRAP(int, pthread_join, (pthread_t thread, void** result), (thread, result))
ROIOPS_WRAP(int, pthread_detach, (pthread_t thread), (thread))
ROIOPS_WRAP(int, pthread_once, (pthread_once_t * once, void (*init)(void)), (once, init))
ROIOPS_WRAP(int, pthread_key_create, (pthread_key_t * key, void (*destructor)(void*)), (key, destructor))
ROIOPS_WRAP(int, pthread_key_delete, (pthread_key_t key), (key))
ROIOPS_WRAP(void*, pthread_getspecific, (pthread_key_t key), (key))
ROIOPS_WRAP(int, pthread_setspecific, (pthread_key_t key, const void* value), (key, value))

/* Not forwarded to arc4random, which glibc before 2.36 lacks: see the top of the file. */
ROIOPS_HIDDEN uint32_t __wrap_arc4random(void);
ROIOPS_HIDDEN uint32_t __wrap_arc4random(void) {
  uint32_t value;
  if (getentropy(&value, sizeof value) != 0) abort();
  return value;
}

/* glibc's own is `char`; libstdc++ reads it only through `if (__libc_single_threaded)`. */
ROIOPS_HIDDEN char __libc_single_threaded = 0;
#endif
