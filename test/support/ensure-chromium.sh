#!/usr/bin/env bash
# Run before the tests (npm's pretest): the browser tests in test/browser/ drive Debian's Chromium at
# /usr/bin/chromium. On a fresh Debian machine, as root, this installs it; elsewhere it says how.
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing Debian's chromium for the browser tests (once)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || echo "pretest: WARNING: apt-get install chromium failed; the browser tests will fail until /usr/bin/chromium exists" >&2
else
  echo "pretest: WARNING: /usr/bin/chromium is missing; the browser tests will fail. Install it with: sudo apt-get install -y chromium" >&2
fi
exit 0
