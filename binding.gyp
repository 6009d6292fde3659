{
  "variables": {
    # 1: the per-ABI build (ROIOPS_NODE_ABI_BUILD=1), for the one Node major whose headers it is
    # built with; its prebuild is roi-ops.node.abi<NODE_MODULE_VERSION>.glibc.node, which
    # node-gyp-build prefers on that major. 0, the default (npm install from source, node-gyp
    # rebuild): pure Node-API, loads on every Node >= 20.9. scripts/prebuild-all.sh makes both.
    "roiops_node_abi%": "<!(node -p \"const v = process.env.ROI_OPS_NODE_ABI || '0'; if (v !== '0' && v !== '1') throw new Error('ROI_OPS_NODE_ABI must be 0 or 1, not ' + v); v\")"
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
        ["roiops_node_abi==1", { "defines": ["ROIOPS_NODE_ABI_BUILD=1"] }]
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
          "cflags": ["<!@(node -p \"require('./native/sources.json').isa.avx512.gcc.join(' ')\")"],
          "xcode_settings": { "OTHER_CFLAGS": ["<!@(node -p \"require('./native/sources.json').isa.avx512.gcc.join(' ')\")"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(node -p \"require('./native/sources.json').isa.avx512.msvc.join(' ')\")"] } }
        }
      ]
    }]
  ]
}
