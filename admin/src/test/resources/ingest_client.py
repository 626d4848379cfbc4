#!/usr/bin/env python3
"""A metadata service's ingest client in a few lines of standard-library Python.

Posts three entries as a JSON batch, then the next three as a binary batch (application/x-cfs-entries), to
URL/journal/entries, and prints one line per request: "<http status> <response body>".
Exits 0 only if both were accepted.

usage: ingest_client.py URL SITE SHARD FIRST_SEQ
"""
import base64
import json
import struct
import sys
import urllib.error
import urllib.request

OPS = ["CREATE", "UNLINK", "RENAME", "WRITE", "TRUNCATE", "SETATTR", "LINK", "SYMLINK", "MKDIR", "SETXATTR",
       "REMOVEXATTR", "RMDIR"]


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def entry_crc(site, shard, seq, hlc, op, inode, schema, payload):
    """CRC32C over the site (UTF-8), then shard, seq, hlc, op code, inode, schema version (big-endian), then payload."""
    fixed = struct.pack(">iqqiqi", shard, seq, hlc, OPS.index(op), inode, schema)
    return crc32c(site.encode("utf-8") + fixed + payload)


def encode_entry(site, shard, seq, hlc, op, inode, schema, payload):
    """One entry in EntryCodec format 1."""
    site_bytes = site.encode("utf-8")
    crc = entry_crc(site, shard, seq, hlc, op, inode, schema, payload)
    return (struct.pack(">BH", 1, len(site_bytes)) + site_bytes
            + struct.pack(">iqqBqii", shard, seq, hlc, OPS.index(op), inode, schema, len(payload))
            + payload + struct.pack(">I", crc))


def binary_batch(entries):
    encoded = [encode_entry(*e) for e in entries]
    return b"CFSB" + struct.pack(">BI", 1, len(encoded)) + b"".join(struct.pack(">I", len(e)) + e for e in encoded)


def json_batch(entries):
    return json.dumps({"entries": [
        {"originSite": site, "shard": shard, "seq": seq, "hlc": hlc, "op": op, "inodeId": inode,
         "schemaVersion": schema, "payload": base64.b64encode(payload).decode("ascii"),
         "crc": entry_crc(site, shard, seq, hlc, op, inode, schema, payload)}
        for (site, shard, seq, hlc, op, inode, schema, payload) in entries]}).encode("utf-8")


def post(url, content_type, body):
    request = urllib.request.Request(url + "/journal/entries", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode("utf-8")


def main():
    url, site, shard, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    entries = [(site, shard, seq, 1_700_000_000_000_000_000 + seq, "WRITE", 1000 + seq, 1,
                ("python inode %d" % seq).encode("utf-8")) for seq in range(first, first + 6)]
    results = [post(url, "application/json", json_batch(entries[:3])),
               post(url, "application/x-cfs-entries", binary_batch(entries[3:]))]
    for status, body in results:
        print(status, body)
    return 0 if all(status == 200 for status, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
