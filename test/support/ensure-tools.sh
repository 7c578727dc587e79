#!/usr/bin/env bash
# Run before the tests (npm's pretest). Two Debian packages are needed: chromium (the browser tests in
# test/browser/ drive /usr/bin/chromium) and espeak-ng (the voice test speaks a question into a real
# WAV file). On a fresh Debian machine, as root, this installs what is missing; elsewhere it says how.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing Debian's ${missing[*]} for the tests (once)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || echo "pretest: WARNING: apt-get install ${missing[*]} failed; the tests that need them will fail" >&2
else
  echo "pretest: WARNING: ${missing[*]} missing; some tests will fail. Install with: sudo apt-get install -y ${missing[*]}" >&2
fi
exit 0
