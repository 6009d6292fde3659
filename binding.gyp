{
  "variables": {
    # 1: the per-ABI build (ROIOPS_NODE_ABI_BUILD=1), for the one Node major whose headers it is
    # built with; its prebuild is roi-ops.node.abi<NODE_MODULE_VERSION>.glibc.node, which
    # node-gyp-build prefers on that major. 0, the default (npm install from source, node-gyp
    # rebuild): pure Node-API, loads on every Node >= 20.9. scripts/prebuild-all.sh makes both.
    "roiops_node_abi%": "<!(node -p \"const v = process.env.ROI_OPS_NODE_ABI || '0'; if (v !== '0' && v !== '1') throw new Error('ROI_OPS_NODE_ABI must be 0 or 1, not ' + v); v\")",
    # 1: on Linux, link libstdc++ in and keep to glibc 2.28's symbols (the condition below).
    # The default: native/link/portable.cjs (ROI_OPS_PORTABLE, else whether libstdc++.a exists).
    "roiops_portable%": "<!(node native/link/portable.cjs)"
  },
  "target_defaults": {
    "include_dirs": ["native/include", "native"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
    "cflags_cc": ["-std=c++17", "-ffp-contract=off", "-fvisibility=hidden", "-fexceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "xcode_settings": {
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
      "MACOSX_DEPLOYMENT_TARGET": "11.0",
      "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off"]
    },
    "msvs_settings": {
      "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/fp:precise"], "ExceptionHandling": 1 }
    }
  },
  "targets": [
    {
      "target_name": "roi_ops",
      "sources": [
        "<!@(node -p \"require('./native/sources.json').core.join(' ')\")",
        "<!@(node -p \"require('./native/sources.json').addon.join(' ')\")"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["roiops_sse2", "roiops_avx2", "roiops_avx512"] }],
        ["target_arch=='arm64'", { "sources": ["<!@(node -p \"require('./native/sources.json').isa.neon.sources.join(' ')\")"] }],
        ["roiops_node_abi==1", { "defines": ["ROIOPS_NODE_ABI_BUILD=1"] }],
        # One Linux binary for every glibc Node runs on (2.28 and newer), whatever the system's
        # libstdc++. -static-libstdc++: a user's libstdc++ may be older than the compiler's
        # (GCC 12's GLIBCXX_3.4.30). libgcc stays shared (libgcc_s.so.1 is on every glibc system,
        # with old symbol versions): GCC 12's static unwinder would need glibc 2.35's
        # _dl_find_object. The --wrap flags and native/link/glibc_compat.c keep libstdc++.a and
        # its headers from needing glibc 2.32 to 2.36: the pthread functions are bound to their
        # old versions, one variable and one function are supplied (why each, there). The
        # version script exports the Node-API entry points only (why, there).
        # scripts/check-package.sh checks every prebuild with objdump and nm.
        ["OS=='linux' and roiops_portable==1", {
          "sources": ["<!@(node -p \"require('./native/sources.json').link_linux.join(' ')\")"],
          "ldflags": [
            "-static-libstdc++",
            "-Wl,--version-script=<(module_root_dir)/native/link/exports.map",
            "-Wl,--wrap=pthread_create", "-Wl,--wrap=pthread_join", "-Wl,--wrap=pthread_detach",
            "-Wl,--wrap=pthread_once", "-Wl,--wrap=pthread_key_create", "-Wl,--wrap=pthread_key_delete",
            "-Wl,--wrap=pthread_getspecific", "-Wl,--wrap=pthread_setspecific", "-Wl,--wrap=arc4random"
          ]
        }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "roiops_sse2",
          "type": "static_library",
          "sources": ["<!@(node -p \"require('./native/sources.json').isa.sse2.sources.join(' ')\")"]
        },
        {
          "target_name": "roiops_avx2",
          "type": "static_library",
          "sources": ["<!@(node -p \"require('./native/sources.json').isa.avx2.sources.join(' ')\")"],
          "cflags": ["<!@(node -p \"require('./native/sources.json').isa.avx2.gcc.join(' ')\")"],
          "xcode_settings": { "OTHER_CFLAGS": ["<!@(node -p \"require('./native/sources.json').isa.avx2.gcc.join(' ')\")"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(node -p \"require('./native/sources.json').isa.avx2.msvc.join(' ')\")"] } }
        },
        {
          "target_name": "roiops_avx512",
          "type": "static_library",
          "sources": ["<!@(node -p \"require('./native/sources.json').isa.avx512.sources.join(' ')\")"],
          # -Wno-init-self: GCC 12's AVX-512 intrinsics start from an undefined vector written
          # `__m512 __Y = __Y;`, a self-initialization that -Wall flags in C++ (-Winit-self): 85
          # warnings from this one file (GCC bug 105593, fixed in GCC 12.3). The flag exempts
          # that idiom only; any other uninitialized use is still reported. Clang accepts it too.
          "cflags": ["<!@(node -p \"require('./native/sources.json').isa.avx512.gcc.join(' ')\")", "-Wno-init-self"],
          "xcode_settings": { "OTHER_CFLAGS": ["<!@(node -p \"require('./native/sources.json').isa.avx512.gcc.join(' ')\")"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(node -p \"require('./native/sources.json').isa.avx512.msvc.join(' ')\")"] } }
        }
      ]
    }]
  ]
}
