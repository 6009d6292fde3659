// Prints the default of binding.gyp's `roiops_portable` variable, 1 or 0: whether the Linux
// addon links libstdc++ in and pins its glibc symbols to 2.28 (glibc_compat.c says why).
//  - ROI_OPS_PORTABLE=1 or 0 decides (scripts/prebuild-all.sh sets 1, so that a prebuild
//    that cannot be portable fails to link instead of quietly needing a new glibc).
//  - Otherwise 1 on Linux if the C++ compiler ($CXX, else g++) has a static libstdc++:
//    Debian, Ubuntu, Alpine and Arch ship libstdc++.a with g++, Fedora and RHEL only in the
//    separate libstdc++-static package, and a build from source (npm install without a
//    prebuild that loads) must not fail for the lack of it. Such a build runs where it was
//    built, so it needs no glibc floor.
'use strict';
const { execSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { isAbsolute } = require('node:path');

function staticLibstdcxx() {
  try {
    const file = execSync(`${process.env.CXX || 'g++'} -print-file-name=libstdc++.a`, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return isAbsolute(file) && existsSync(file); // an unknown file prints its bare name
  } catch {
    return false;
  }
}

const forced = process.env.ROI_OPS_PORTABLE;
if (forced !== undefined && forced !== '') {
  if (forced !== '0' && forced !== '1') throw new Error(`ROI_OPS_PORTABLE must be 0 or 1, not ${forced}`);
  console.log(forced);
} else {
  console.log(process.platform === 'linux' && staticLibstdcxx() ? 1 : 0);
}
