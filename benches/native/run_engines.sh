#!/usr/bin/env bash
# Engine comparison in one run (issue 10): liboqs 0.16 C (../shared/peers), then the criterion
# engine bench, then liboqs again; prints one table of medians. Not part of the product or CI.
# The prebuilt peer ships lib/liboqs.so only, while its soname is liboqs.so.9: a symlink in a
# temp dir stands in.
set -euo pipefail
cd "$(dirname "$0")/../.."
peer=$(cd ../shared/peers/liboqs-0.16.0 && pwd)
tmp=$(mktemp -d)
ln -s "$peer/lib/liboqs.so" "$tmp/liboqs.so.9"
gcc -O2 benches/native/liboqs_peer.c -I"$peer/include" -L"$peer/lib" -loqs \
    -Wl,-rpath,"$tmp" -o "$tmp/liboqs_peer"
"$tmp/liboqs_peer" > "$tmp/peer1.txt"
cargo bench -p pqpay-core --bench engines --locked -- 'ML-KEM|ML-DSA'
"$tmp/liboqs_peer" > "$tmp/peer2.txt"
python3 benches/native/table.py "$tmp/peer1.txt" "$tmp/peer2.txt"
