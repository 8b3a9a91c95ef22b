#!/usr/bin/python3
"""pcap2c.py - turn BIRD <-> GoBGP pcap captures into tests/unit/captured.h.

Usage (normally called by capture.sh, which documents the setup):
    /usr/bin/python3 pcap2c.py [--dump FILE] [--versions TEXT] PHASE=FILE.pcap ... > captured.h

Reads classic pcap files directly (no tshark/scapy; standard library only),
link types 0 (BSD loopback), 1 (Ethernet, what tcpdump writes on Linux lo),
101/12 (raw IP), 113 (Linux cooked SLL) and 276 (SLL2); IPv4 and IPv6, any
IPv4/TCP header length. Each TCP direction is reassembled by sequence number
(out-of-order segments and retransmissions are handled, a gap aborts that
direction), then cut into BGP messages by the 19-byte header's length field.

Every message is decoded by the decoder below, written from the RFCs and
independent of lbbgp's C code: OPEN (RFC 4271, capabilities RFC 5492, RFC 9072
extended optional parameters), UPDATE (RFC 4271, 4760, 6793, 1997, 4360, 8092),
NOTIFICATION (RFC 4271, 9003), ROUTE-REFRESH (RFC 2918, 7313). AS_PATH width
and ADD-PATH path identifiers follow what the two OPENs of the same TCP
connection negotiated.

The messages are numbered per phase in capture order; SELECT below picks the
interesting ones by content (not by position) and names them. The header gets
one `static const uint8_t cap_<name>[]` per selected message, preceded by a
comment listing what a correct decoder must find, and `cap_all[]`.
--dump FILE writes the decode of every captured message.
"""

import struct
import sys

# --------------------------------------------------------------------------
# pcap reading


def read_pcap(path):
    """Yield (timestamp, linktype, frame bytes) from a classic pcap file."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        raise SystemExit('%s: too short for a pcap file' % path)
    magic = data[:4]
    if magic == b'\xd4\xc3\xb2\xa1':
        e, div = '<', 1e6
    elif magic == b'\xa1\xb2\xc3\xd4':
        e, div = '>', 1e6
    elif magic == b'\x4d\x3c\xb2\xa1':
        e, div = '<', 1e9
    elif magic == b'\xa1\xb2\x3c\x4d':
        e, div = '>', 1e9
    else:
        raise SystemExit('%s: not a classic pcap file (pcapng? use tcpdump -w)' % path)
    linktype = struct.unpack(e + 'I', data[20:24])[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(e + 'IIII', data[off:off + 16])
        off += 16
        frame = data[off:off + incl]
        off += incl
        if len(frame) < incl:
            sys.stderr.write('%s: truncated last record\n' % path)
            break
        yield sec + frac / div, linktype, frame


def l3_from_frame(linktype, frame):
    """Return (ethertype-ish family 4/6/None, L3 bytes)."""
    if linktype == 1:                       # Ethernet
        off, et = 14, struct.unpack('>H', frame[12:14])[0]
        while et in (0x8100, 0x88a8):      # VLAN tags
            et = struct.unpack('>H', frame[off + 2:off + 4])[0]
            off += 4
        fam = {0x0800: 4, 0x86dd: 6}.get(et)
        return fam, frame[off:]
    if linktype == 113:                     # Linux cooked v1
        et = struct.unpack('>H', frame[14:16])[0]
        return {0x0800: 4, 0x86dd: 6}.get(et), frame[16:]
    if linktype == 276:                     # Linux cooked v2
        et = struct.unpack('>H', frame[0:2])[0]
        return {0x0800: 4, 0x86dd: 6}.get(et), frame[20:]
    if linktype == 0:                       # BSD loopback, host-order AF
        af = struct.unpack('<I', frame[:4])[0]
        if af > 0xffff:
            af = struct.unpack('>I', frame[:4])[0]
        return (4 if af == 2 else 6 if af in (10, 24, 28, 30) else None), frame[4:]
    if linktype in (101, 12, 14):           # raw IP
        v = frame[0] >> 4
        return (v if v in (4, 6) else None), frame
    raise SystemExit('unsupported pcap link type %d' % linktype)


def tcp_segments(path):
    """Yield (ts, src, sport, dst, dport, seq, flags, payload)."""
    for ts, lt, frame in read_pcap(path):
        fam, ip = l3_from_frame(lt, frame)
        if fam == 4:
            if len(ip) < 20:
                continue
            ihl = (ip[0] & 0x0f) * 4
            total = struct.unpack('>H', ip[2:4])[0]
            frag = struct.unpack('>H', ip[6:8])[0]
            if ip[9] != 6 or (frag & 0x3fff):
                continue                    # not TCP, or a fragment
            src = '.'.join(str(b) for b in ip[12:16])
            dst = '.'.join(str(b) for b in ip[16:20])
            seg = ip[ihl:total]             # total length drops Ethernet padding
        elif fam == 6:
            if len(ip) < 40 or ip[6] != 6:
                continue                    # extension headers not expected here
            plen = struct.unpack('>H', ip[4:6])[0]
            src, dst = fmt_ip6(ip[8:24]), fmt_ip6(ip[24:40])
            seg = ip[40:40 + plen]
        else:
            continue
        if len(seg) < 20:
            continue
        sport, dport, seq = struct.unpack('>HHI', seg[:8])
        doff = (seg[12] >> 4) * 4
        flags = seg[13]
        yield ts, src, sport, dst, dport, seq, flags, seg[doff:]


class Stream:
    """One direction of one TCP connection, reassembled."""

    def __init__(self):
        self.next = None        # next expected sequence number
        self.pending = {}       # seq -> payload (out of order)
        self.buf = b''
        self.broken = False


def bgp_messages(path):
    """Yield (ts, src, sport, dst, dport, message bytes) in capture order."""
    streams = {}
    for ts, src, sport, dst, dport, seq, flags, payload in tcp_segments(path):
        key = (src, sport, dst, dport)
        if flags & 0x02:                    # SYN: new connection
            st = streams[key] = Stream()
            st.next = (seq + 1) & 0xffffffff
            continue
        st = streams.get(key)
        if st is None:
            st = streams[key] = Stream()
            st.next = seq
            sys.stderr.write('warning: %s:%d->%s:%d without SYN, assuming message '
                             'boundary at first segment\n' % key)
        if not payload or st.broken:
            continue
        st.pending.setdefault(seq, payload)
        progressed = True
        while progressed:
            progressed = False
            for s in list(st.pending):
                d = (st.next - s) & 0xffffffff  # bytes of this segment already seen
                p = st.pending[s]
                if d < 0x80000000:              # starts at or before st.next
                    del st.pending[s]
                    if d < len(p):
                        st.buf += p[d:]
                        st.next = (st.next + len(p) - d) & 0xffffffff
                        progressed = True
        while len(st.buf) >= 19:
            if st.buf[:16] != b'\xff' * 16:
                sys.stderr.write('error: %s:%d->%s:%d bad BGP marker, dropping '
                                 'stream\n' % key)
                st.broken = True
                break
            mlen = struct.unpack('>H', st.buf[16:18])[0]
            if mlen < 19:
                st.broken = True
                break
            if len(st.buf) < mlen:
                break
            yield ts, src, sport, dst, dport, st.buf[:mlen]
            st.buf = st.buf[mlen:]
    for key, st in streams.items():
        if st.buf or st.pending:
            sys.stderr.write('warning: %s:%d->%s:%d: %d bytes left over, %d segments '
                             'after a gap\n' % (key + (len(st.buf), len(st.pending))))


# --------------------------------------------------------------------------
# BGP decoding (independent of the C implementation)

def fmt_ip4(b):
    return '.'.join(str(x) for x in b)


def fmt_ip6(b):
    words = [struct.unpack('>H', b[i:i + 2])[0] for i in range(0, 16, 2)]
    # RFC 5952: longest run (>1) of zero words becomes ::
    best, bl, i = -1, 0, 0
    while i < 8:
        if words[i] == 0:
            j = i
            while j < 8 and words[j] == 0:
                j += 1
            if j - i > bl and j - i > 1:
                best, bl = i, j - i
            i = j
        else:
            i += 1
    if best < 0:
        return ':'.join('%x' % w for w in words)
    left = ':'.join('%x' % w for w in words[:best])
    right = ':'.join('%x' % w for w in words[best + bl:])
    if words[:6] == [0, 0, 0, 0, 0, 0xffff]:
        return '::ffff:' + fmt_ip4(b[12:16])
    return left + '::' + right


def fmt_ip(afi, b):
    if afi == 1 and len(b) == 4:
        return fmt_ip4(b)
    if len(b) == 16:
        return fmt_ip6(b)
    return '0x' + b.hex()


AFI = {1: 'IPv4', 2: 'IPv6', 25: 'L2VPN', 16388: 'BGP-LS'}
SAFI = {1: 'unicast', 2: 'multicast', 4: 'labeled unicast', 65: 'VPLS', 70: 'EVPN',
        128: 'MPLS VPN', 132: 'RT constraint', 133: 'flowspec', 134: 'flowspec VPN'}


def afisafi(afi, safi):
    return 'AFI %d SAFI %d (%s %s)' % (afi, safi, AFI.get(afi, '?'), SAFI.get(safi, '?'))


class DecodeError(Exception):
    pass


def need(b, n, what):
    if len(b) < n:
        raise DecodeError('%s: need %d bytes, have %d' % (what, n, len(b)))


def prefixes(afi, b, addpath=False):
    """Decode an NLRI/withdrawn field into a list of 'addr/len' strings."""
    out = []
    i = 0
    alen = 4 if afi == 1 else 16
    while i < len(b):
        pid = None
        if addpath:
            need(b[i:], 4, 'path id')
            pid = struct.unpack('>I', b[i:i + 4])[0]
            i += 4
        need(b[i:], 1, 'prefix length')
        plen = b[i]
        i += 1
        if plen > alen * 8:
            raise DecodeError('prefix length %d too long for AFI %d' % (plen, afi))
        n = (plen + 7) // 8
        need(b[i:], n, 'prefix')
        addr = b[i:i + n] + b'\0' * (alen - n)
        i += n
        s = '%s/%d' % (fmt_ip(afi, addr), plen)
        if pid is not None:
            s = 'path-id %d %s' % (pid, s)
        out.append(s)
    return out


CAPS = {1: 'Multiprotocol Extensions', 2: 'Route Refresh', 3: 'Outbound Route Filtering',
        5: 'Extended Next Hop Encoding', 6: 'Extended Message', 7: 'BGPsec', 8: 'Multiple Labels',
        9: 'BGP Role', 64: 'Graceful Restart', 65: '4-octet AS number', 67: 'Dynamic Capability',
        69: 'ADD-PATH', 70: 'Enhanced Route Refresh', 71: 'Long-Lived Graceful Restart',
        73: 'FQDN (hostname)', 128: 'Route Refresh (old Cisco)'}


def decode_cap(code, val):
    """Return (text, structured value) for one capability."""
    if code == 1:
        need(val, 4, 'MP cap')
        afi, _res, safi = struct.unpack('>HBB', val[:4])
        return '%s, reserved %d' % (afisafi(afi, safi), val[2]), (afi, safi)
    if code in (2, 6, 70, 128) and not val:
        return '(no value)', None
    if code == 65:
        need(val, 4, 'AS4 cap')
        asn = struct.unpack('>I', val)[0]
        return 'AS %d' % asn, asn
    if code == 64:
        need(val, 2, 'GR cap')
        ft = struct.unpack('>H', val[:2])[0]
        flags = []
        if ft & 0x8000:
            flags.append('R=restarting')
        if ft & 0x4000:
            flags.append('N=notification (RFC 8538)')
        t = 'restart flags 0x%x [%s], restart time %d s' % (
            ft >> 12, ', '.join(flags) or 'none', ft & 0x0fff)
        afs = []
        for i in range(2, len(val) - 3, 4):
            afi, safi, fl = struct.unpack('>HBB', val[i:i + 4])
            afs.append('%s flags 0x%02x%s' % (afisafi(afi, safi), fl,
                                              ' (F=forwarding preserved)' if fl & 0x80 else ''))
        if (len(val) - 2) % 4:
            raise DecodeError('GR cap: trailing bytes')
        t += '; ' + ('; '.join(afs) if afs else 'no AFI/SAFI tuples')
        return t, (ft, afs)
    if code == 69:
        if len(val) % 4:
            raise DecodeError('ADD-PATH cap length %d' % len(val))
        out = []
        sr = {1: 'receive', 2: 'send', 3: 'send+receive'}
        for i in range(0, len(val), 4):
            afi, safi, m = struct.unpack('>HBB', val[i:i + 4])
            out.append((afi, safi, m))
        return '; '.join('%s %s (%d)' % (afisafi(a, s), sr.get(m, '?'), m)
                         for a, s, m in out), out
    if code == 71:
        if len(val) % 7:
            raise DecodeError('LLGR cap length %d' % len(val))
        out = []
        for i in range(0, len(val), 7):
            afi, safi, fl = struct.unpack('>HBB', val[i:i + 4])
            st = int.from_bytes(val[i + 4:i + 7], 'big')
            out.append('%s flags 0x%02x%s, long-lived stale time %d s' % (
                afisafi(afi, safi), fl, ' (F)' if fl & 0x80 else '', st))
        return ('; '.join(out) if out else 'no AFI/SAFI tuples'), out
    if code == 73:
        need(val, 1, 'FQDN cap')
        hl = val[0]
        need(val, 2 + hl, 'FQDN cap')
        host = val[1:1 + hl].decode('utf-8', 'replace')
        dl = val[1 + hl]
        need(val, 2 + hl + dl, 'FQDN cap')
        dom = val[2 + hl:2 + hl + dl].decode('utf-8', 'replace')
        return 'hostname length %d "%s", domain length %d "%s"' % (hl, host, dl, dom), (host, dom)
    if code == 5:
        out = []
        for i in range(0, len(val) - 5, 6):
            a, s, n = struct.unpack('>HHH', val[i:i + 6])
            out.append('NLRI AFI %d SAFI %d next-hop AFI %d' % (a, s, n))
        return '; '.join(out), out
    if code == 9:
        roles = {0: 'Provider', 1: 'RS', 2: 'RS-Client', 3: 'Customer', 4: 'Peer'}
        return 'role %d %s' % (val[0], roles.get(val[0], '?')), val[0]
    return 'raw ' + (val.hex() or '(empty)'), val


def decode_open(body):
    need(body, 10, 'OPEN')
    ver, myas, hold = struct.unpack('>BHH', body[:5])
    bgpid = fmt_ip4(body[5:9])
    optlen = body[9]
    lines = ['version %d, My AS %d, hold time %d, BGP ID %s' % (ver, myas, hold, bgpid)]
    p = body[10:]
    ext = False
    if optlen == 255 and p[:1] == b'\xff':          # RFC 9072
        ext = True
        optlen = struct.unpack('>H', p[1:3])[0]
        p = p[3:]
        lines.append('extended optional parameters (RFC 9072), length %d' % optlen)
    else:
        lines.append('optional parameters length %d' % optlen)
    if len(p) != optlen:
        raise DecodeError('OPEN: opt param length %d, %d bytes follow' % (optlen, len(p)))
    caps = []
    i = 0
    while i < len(p):
        ptype = p[i]
        if ext:
            plen = struct.unpack('>H', p[i + 1:i + 3])[0]
            i += 3
        else:
            plen = p[i + 1]
            i += 2
        pv = p[i:i + plen]
        if len(pv) != plen:
            raise DecodeError('OPEN: parameter overruns')
        i += plen
        if ptype != 2:
            lines.append('optional parameter type %d length %d: %s' % (ptype, plen, pv.hex()))
            continue
        lines.append('parameter type 2 (Capabilities) length %d:' % plen)
        j = 0
        while j < len(pv):
            need(pv[j:], 2, 'capability header')
            code, clen = pv[j], pv[j + 1]
            cv = pv[j + 2:j + 2 + clen]
            if len(cv) != clen:
                raise DecodeError('capability %d overruns' % code)
            j += 2 + clen
            text, val = decode_cap(code, cv)
            lines.append('  capability code %d (%s) length %d: %s' % (
                code, CAPS.get(code, 'unknown'), clen, text))
            if code not in (1, 2, 6, 64, 65, 69, 70, 71, 73, 128) and clen:
                lines[-1] += ' [raw %s]' % cv.hex()
            elif code in (64, 69, 71, 73) and clen:
                lines.append('      raw bytes: %s' % cv.hex())
            caps.append((code, cv, val))
    return lines, {'version': ver, 'as': myas, 'hold': hold, 'id': bgpid, 'caps': caps}


ATTR = {1: 'ORIGIN', 2: 'AS_PATH', 3: 'NEXT_HOP', 4: 'MULTI_EXIT_DISC', 5: 'LOCAL_PREF',
        6: 'ATOMIC_AGGREGATE', 7: 'AGGREGATOR', 8: 'COMMUNITIES', 9: 'ORIGINATOR_ID',
        10: 'CLUSTER_LIST', 14: 'MP_REACH_NLRI', 15: 'MP_UNREACH_NLRI',
        16: 'EXTENDED_COMMUNITIES', 17: 'AS4_PATH', 18: 'AS4_AGGREGATOR', 22: 'PMSI_TUNNEL',
        26: 'AIGP', 32: 'LARGE_COMMUNITY', 35: 'OTC'}

WELLKNOWN_COMM = {0xFFFFFF01: 'NO_EXPORT', 0xFFFFFF02: 'NO_ADVERTISE',
                  0xFFFFFF03: 'NO_EXPORT_SUBCONFED', 0xFFFFFF04: 'NOPEER',
                  0xFFFF0000: 'GRACEFUL_SHUTDOWN', 0xFFFF0001: 'ACCEPT_OWN',
                  0xFFFF0006: 'LLGR_STALE', 0xFFFF0007: 'NO_LLGR', 0xFFFF029A: 'BLACKHOLE'}


def flagstr(f):
    n = []
    n.append('optional' if f & 0x80 else 'well-known')
    n.append('transitive' if f & 0x40 else 'non-transitive')
    if f & 0x20:
        n.append('partial')
    if f & 0x10:
        n.append('extended-length')
    if f & 0x0f:
        n.append('low bits 0x%x' % (f & 0x0f))
    return ', '.join(n)


def decode_aspath(v, width):
    segs = []
    i = 0
    names = {1: 'AS_SET', 2: 'AS_SEQUENCE', 3: 'AS_CONFED_SEQUENCE', 4: 'AS_CONFED_SET'}
    while i < len(v):
        need(v[i:], 2, 'AS_PATH segment')
        st, cnt = v[i], v[i + 1]
        i += 2
        need(v[i:], cnt * width, 'AS_PATH segment ASNs')
        asns = [int.from_bytes(v[i + k * width:i + (k + 1) * width], 'big') for k in range(cnt)]
        i += cnt * width
        segs.append((st, asns))
    text = '; '.join('%s (%d) count %d: %s' % (names.get(s, '?'), s, len(a), ' '.join(map(str, a)))
                     for s, a in segs)
    return (text or 'empty (no segments)') + ' [%d-octet ASNs]' % width, segs


def decode_extcomm(c):
    t, st = c[0], c[1]
    sub = {0x02: 'rt', 0x03: 'ro'}.get(st)
    if t in (0x00, 0x40) and sub:
        return '(%s, %d, %d)' % (sub, struct.unpack('>H', c[2:4])[0], struct.unpack('>I', c[4:8])[0])
    if t in (0x02, 0x42) and sub:
        return '(%s, %d, %d) 4-octet AS' % (sub, struct.unpack('>I', c[2:6])[0],
                                            struct.unpack('>H', c[6:8])[0])
    if t in (0x01, 0x41) and sub:
        return '(%s, %s, %d)' % (sub, fmt_ip4(c[2:6]), struct.unpack('>H', c[6:8])[0])
    return 'type 0x%02x subtype 0x%02x value %s' % (t, st, c[2:].hex())


def decode_attr(t, v, sess):
    """Return (text, structured value) for one path attribute value."""
    if t == 1:
        need(v, 1, 'ORIGIN')
        return '%s (%d)' % ({0: 'IGP', 1: 'EGP', 2: 'INCOMPLETE'}.get(v[0], '?'), v[0]), v[0]
    if t == 2:
        return decode_aspath(v, 4 if sess.get('as4') else 2)
    if t == 17:
        return decode_aspath(v, 4)
    if t == 3:
        if len(v) != 4:
            raise DecodeError('NEXT_HOP length %d' % len(v))
        return fmt_ip4(v), fmt_ip4(v)
    if t in (4, 5):
        if len(v) != 4:
            raise DecodeError('%s length %d' % (ATTR[t], len(v)))
        n = struct.unpack('>I', v)[0]
        return str(n), n
    if t == 6:
        return '(empty)', None
    if t in (7, 18):
        w = 4 if (t == 18 or sess.get('as4')) else 2
        asn = int.from_bytes(v[:w], 'big')
        return 'AS %d, %s' % (asn, fmt_ip4(v[w:w + 4])), (asn, fmt_ip4(v[w:w + 4]))
    if t == 8:
        if len(v) % 4:
            raise DecodeError('COMMUNITIES length %d' % len(v))
        cs = []
        for i in range(0, len(v), 4):
            a, b = struct.unpack('>HH', v[i:i + 4])
            n = (a << 16) | b
            s = '%d:%d' % (a, b)
            if n in WELLKNOWN_COMM:
                s += ' (%s)' % WELLKNOWN_COMM[n]
            cs.append(s)
        return ', '.join(cs), cs
    if t == 9:
        return fmt_ip4(v), fmt_ip4(v)
    if t == 10:
        ids = [fmt_ip4(v[i:i + 4]) for i in range(0, len(v), 4)]
        return ' '.join(ids), ids
    if t == 16:
        if len(v) % 8:
            raise DecodeError('EXTENDED_COMMUNITIES length %d' % len(v))
        cs = [decode_extcomm(v[i:i + 8]) for i in range(0, len(v), 8)]
        return ', '.join(cs) + ' [raw %s]' % v.hex(), cs
    if t == 32:
        if len(v) % 12:
            raise DecodeError('LARGE_COMMUNITY length %d' % len(v))
        cs = ['%d:%d:%d' % struct.unpack('>III', v[i:i + 12]) for i in range(0, len(v), 12)]
        return ', '.join(cs), cs
    if t == 14:
        need(v, 5, 'MP_REACH_NLRI')
        afi, safi, nhl = struct.unpack('>HBB', v[:4])
        nh = v[4:4 + nhl]
        need(v, 5 + nhl, 'MP_REACH_NLRI next hop')
        res = v[4 + nhl]
        if afi == 2 and nhl in (16, 32):
            nhs = [fmt_ip6(nh[i:i + 16]) for i in range(0, nhl, 16)]
        elif afi == 1 and nhl == 4:
            nhs = [fmt_ip4(nh)]
        elif nhl in (16, 32):
            nhs = [fmt_ip6(nh[i:i + 16]) for i in range(0, nhl, 16)]
        else:
            nhs = ['0x' + nh.hex()]
        nlri = prefixes(afi, v[5 + nhl:], sess.get('addpath', {}).get((afi, safi), False))
        text = '%s, next-hop length %d: %s, reserved %d, NLRI (%d): %s' % (
            afisafi(afi, safi), nhl, ' + '.join(nhs), res, len(nlri), ' '.join(nlri) or '(none)')
        return text, {'afi': afi, 'safi': safi, 'nh': nhs, 'nlri': nlri}
    if t == 15:
        need(v, 3, 'MP_UNREACH_NLRI')
        afi, safi = struct.unpack('>HB', v[:3])
        wd = prefixes(afi, v[3:], sess.get('addpath', {}).get((afi, safi), False))
        text = '%s, withdrawn (%d): %s' % (afisafi(afi, safi), len(wd),
                                           ' '.join(wd) if wd else '(none)')
        return text, {'afi': afi, 'safi': safi, 'withdrawn': wd}
    return 'raw ' + (v.hex() or '(empty)'), v


def decode_update(body, sess):
    need(body, 4, 'UPDATE')
    wl = struct.unpack('>H', body[:2])[0]
    need(body, 2 + wl + 2, 'UPDATE withdrawn')
    ap = sess.get('addpath', {}).get((1, 1), False)
    wd = prefixes(1, body[2:2 + wl], ap)
    al = struct.unpack('>H', body[2 + wl:4 + wl])[0]
    attrs_b = body[4 + wl:4 + wl + al]
    if len(attrs_b) != al:
        raise DecodeError('UPDATE: attribute length %d overruns' % al)
    nlri = prefixes(1, body[4 + wl + al:], ap)
    lines = ['withdrawn routes length %d: %s' % (wl, ' '.join(wd) if wd else '(none)'),
             'total path attribute length %d' % al]
    attrs = []
    i = 0
    while i < len(attrs_b):
        need(attrs_b[i:], 3, 'attribute header')
        fl, t = attrs_b[i], attrs_b[i + 1]
        if fl & 0x10:
            need(attrs_b[i:], 4, 'attribute header')
            ln = struct.unpack('>H', attrs_b[i + 2:i + 4])[0]
            i += 4
        else:
            ln = attrs_b[i + 2]
            i += 3
        v = attrs_b[i:i + ln]
        if len(v) != ln:
            raise DecodeError('attribute %d overruns' % t)
        i += ln
        text, val = decode_attr(t, v, sess)
        lines.append('attr flags 0x%02x (%s) type %d %s length %d: %s' % (
            fl, flagstr(fl), t, ATTR.get(t, 'unknown'), ln, text))
        attrs.append({'flags': fl, 'type': t, 'len': ln, 'val': val, 'raw': v})
    lines.append('NLRI (%d): %s' % (len(nlri), ' '.join(nlri) if nlri else '(none)'))
    eor = None
    if not wd and not attrs and not nlri:
        eor = (1, 1)
        lines.append('=> End-of-RIB marker for IPv4 unicast (RFC 4724)')
    elif not wd and not nlri and len(attrs) == 1 and attrs[0]['type'] == 15 \
            and not attrs[0]['val']['withdrawn']:
        eor = (attrs[0]['val']['afi'], attrs[0]['val']['safi'])
        lines.append('=> End-of-RIB marker for %s (RFC 4724)' % afisafi(*eor))
    return lines, {'withdrawn': wd, 'attrs': attrs, 'nlri': nlri, 'eor': eor}


NOTIF = {1: 'Message Header Error', 2: 'OPEN Message Error', 3: 'UPDATE Message Error',
         4: 'Hold Timer Expired', 5: 'Finite State Machine Error', 6: 'Cease',
         7: 'ROUTE-REFRESH Message Error'}
CEASE = {1: 'Maximum Number of Prefixes Reached', 2: 'Administrative Shutdown',
         3: 'Peer De-configured', 4: 'Administrative Reset', 5: 'Connection Rejected',
         6: 'Other Configuration Change', 7: 'Connection Collision Resolution',
         8: 'Out of Resources', 9: 'Hard Reset', 10: 'BFD Down'}


def decode_notification(body):
    need(body, 2, 'NOTIFICATION')
    code, sub = body[0], body[1]
    data = body[2:]
    subname = CEASE.get(sub, '?') if code == 6 else ''
    lines = ['error code %d (%s), subcode %d%s' % (code, NOTIF.get(code, '?'), sub,
                                                  ' (%s)' % subname if subname else '')]
    text = None
    if code == 6 and sub in (2, 4) and data:
        n = data[0]
        text = data[1:1 + n].decode('utf-8', 'replace')
        lines.append('data length %d: shutdown communication (RFC 9003) length %d, '
                     'UTF-8 "%s"%s' % (len(data), n, text,
                                       '' if len(data) == n + 1 else
                                       ', %d trailing bytes' % (len(data) - n - 1)))
    else:
        lines.append('data length %d%s' % (len(data), ': ' + data.hex() if data else ''))
    return lines, {'code': code, 'sub': sub, 'data': data, 'text': text}


def decode_refresh(body):
    if len(body) != 4:
        raise DecodeError('ROUTE-REFRESH body length %d' % len(body))
    afi, sub, safi = struct.unpack('>HBB', body)
    subs = {0: 'normal route refresh request', 1: 'BoRR (RFC 7313)', 2: 'EoRR (RFC 7313)'}
    return ['%s, subtype %d (%s)' % (afisafi(afi, safi), sub, subs.get(sub, 'reserved'))], \
        {'afi': afi, 'safi': safi, 'sub': sub}


TYPES = {1: 'OPEN', 2: 'UPDATE', 3: 'NOTIFICATION', 4: 'KEEPALIVE', 5: 'ROUTE-REFRESH'}


def decode(msg, sess):
    """Decode one whole message. Returns (lines, type, info)."""
    if msg[:16] != b'\xff' * 16:
        raise DecodeError('bad marker')
    ln, t = struct.unpack('>HB', msg[16:19])
    if ln != len(msg):
        raise DecodeError('length field %d != %d' % (ln, len(msg)))
    maxlen = 65535 if sess.get('extmsg') else 4096
    if ln > maxlen:
        raise DecodeError('length %d > %d' % (ln, maxlen))
    body = msg[19:]
    head = '%s (type %d), length %d' % (TYPES.get(t, 'unknown'), t, ln)
    if t == 1:
        lines, info = decode_open(body)
    elif t == 2:
        lines, info = decode_update(body, sess)
    elif t == 3:
        lines, info = decode_notification(body)
    elif t == 4:
        if body:
            raise DecodeError('KEEPALIVE with a body')
        lines, info = ['(no body)'], {}
    elif t == 5:
        lines, info = decode_refresh(body)
    else:
        raise DecodeError('unknown type %d' % t)
    return [head] + ['  ' + x for x in lines], t, info


# --------------------------------------------------------------------------
# Sessions: which direction negotiated what

NAMES = {'127.0.8.2': 'bird', '127.0.8.3': 'gobgp'}
# phase "b2b" has a second BIRD on GoBGP's address
PHASE_NAMES = {'b2b': {'127.0.8.2': 'bird', '127.0.8.3': 'birdb'}}


class Msg:
    pass


def load_phase(phase, path):
    msgs = []
    opens = {}          # (src,sport,dst,dport) -> open info
    for ts, src, sport, dst, dport, raw in bgp_messages(path):
        key = (src, sport, dst, dport)
        rkey = (dst, dport, src, sport)
        sess = {}
        mine, peer = opens.get(key), opens.get(rkey)
        if mine and peer:
            def caps(o, c):
                return [x for x in o['caps'] if x[0] == c]
            sess['as4'] = bool(caps(mine, 65)) and bool(caps(peer, 65))
            sess['extmsg'] = bool(caps(mine, 6)) and bool(caps(peer, 6))
            ap = {}
            for _c, _v, tup in caps(mine, 69):
                for afi, safi, m in tup:
                    if m & 2:
                        for _c2, _v2, tup2 in caps(peer, 69):
                            if any(a == afi and s == safi and (m2 & 1) for a, s, m2 in tup2):
                                ap[(afi, safi)] = True
            sess['addpath'] = ap
        m = Msg()
        m.phase, m.ts, m.raw = phase, ts, raw
        m.src, m.dst = src, dst
        names = PHASE_NAMES.get(phase, NAMES)
        m.sender = names.get(src, src)
        m.receiver = names.get(dst, dst)
        m.conn = '%s:%d->%s:%d' % key
        m.sess = sess
        try:
            m.lines, m.type, m.info = decode(raw, sess)
            m.error = None
        except (DecodeError, IndexError, struct.error) as e:
            m.lines, m.type, m.info, m.error = ['DECODE ERROR: %s' % e], raw[18], {}, str(e)
        if m.type == 1 and not m.error:
            opens[key] = m.info
        m.index = len(msgs) + 1
        msgs.append(m)
    return msgs


# --------------------------------------------------------------------------
# Selection of the named vectors

def attr(m, t):
    for a in m.info.get('attrs', []):
        if a['type'] == t:
            return a
    return None


def is_update(m):
    return m.type == 2 and not m.error


def announces_v4(m, pfx=None):
    return is_update(m) and m.info['nlri'] and (pfx is None or pfx in m.info['nlri'])


def mp_reach(m, afi, pfx=None):
    a = attr(m, 14) if is_update(m) else None
    return bool(a and a['val']['afi'] == afi and a['val']['nlri'] and
                (pfx is None or pfx in a['val']['nlri']))


def mp_unreach(m, afi, pfx=None):
    a = attr(m, 15) if is_update(m) else None
    return bool(a and a['val']['afi'] == afi and a['val']['withdrawn'] and
                (pfx is None or pfx in a['val']['withdrawn']))


def withdraws_v4(m, pfx=None):
    return is_update(m) and m.info['withdrawn'] and (pfx is None or pfx in m.info['withdrawn'])


def eor(m, afi):
    return is_update(m) and m.info['eor'] == (afi, 1)


def refresh(m, afi, sub=0):
    return m.type == 5 and not m.error and m.info['afi'] == afi and m.info['sub'] == sub


def notify(m, code, sub):
    return m.type == 3 and not m.error and m.info['code'] == code and m.info['sub'] == sub


# name, phase, sender, predicate, required, description
SELECT = [
    # OPEN
    ('bird_open_ebgp', 'ebgp', 'bird', lambda m: m.type == 1, True,
     'BIRD OPEN, eBGP (AS 64512, peer AS 64513): ipv4+ipv6 channels, enable extended messages '
     'on, graceful restart not configured (default "aware")'),
    ('bird_open_gr', 'ibgp', 'bird', lambda m: m.type == 1, True,
     'BIRD OPEN, iBGP (AS 64512): graceful restart on (time 120), long lived graceful restart '
     'on (stale time 3600), advertise hostname on (hostname "bird-lbbgp"), extended messages'),
    ('gobgp_open', 'ebgp', 'gobgp', lambda m: m.type == 1, True,
     'GoBGP OPEN, eBGP (AS 64513, peer AS 64512): afi-safis ipv4-unicast + ipv6-unicast, '
     'hostname "gobgp-lbbgp"'),
    ('gobgp_open_ibgp', 'ibgp', 'gobgp', lambda m: m.type == 1, True,
     'GoBGP OPEN, iBGP (AS 64512): graceful-restart enabled (restart-time 90) with '
     'mp-graceful-restart on both families, add-paths receive'),
    # KEEPALIVE
    ('bird_keepalive', 'ebgp', 'bird', lambda m: m.type == 4, True, 'BIRD KEEPALIVE'),
    ('gobgp_keepalive', 'ebgp', 'gobgp', lambda m: m.type == 4, True, 'GoBGP KEEPALIVE'),
    # End-of-RIB
    ('bird_eor_v4', 'ebgp', 'bird', lambda m: eor(m, 1), True,
     'BIRD End-of-RIB for IPv4 unicast: the minimal 23-byte UPDATE (eBGP, sent at session '
     'start with an empty table)'),
    ('bird_eor_v6', 'ebgp', 'bird', lambda m: eor(m, 2), True,
     'BIRD End-of-RIB for IPv6 unicast: MP_UNREACH_NLRI with only AFI/SAFI'),
    ('gobgp_eor_v4', 'ibgp', 'gobgp', lambda m: eor(m, 1), True,
     'GoBGP End-of-RIB for IPv4 unicast (GoBGP sends EoR only when graceful restart is '
     'negotiated: iBGP phase)'),
    ('gobgp_eor_v6', 'ibgp', 'gobgp', lambda m: eor(m, 2), True,
     'GoBGP End-of-RIB for IPv6 unicast (iBGP phase, graceful restart negotiated)'),
    # UPDATE from BIRD
    ('bird_update_v4_comm', 'ebgp', 'bird',
     lambda m: announces_v4(m, '198.51.100.1/32') and attr(m, 8) and attr(m, 32), True,
     'BIRD eBGP UPDATE: static /32s 198.51.100.1-4 with identical attributes, packed into one '
     'UPDATE; export filter: bgp_origin = ORIGIN_IGP, bgp_med = 50, bgp_path.prepend(64512), '
     'bgp_community.add((64512,100)), .add((64512,200)), bgp_large_community.add((64512,1,2)); '
     'channel "next hop address 192.0.2.1"'),
    ('bird_update_v4_extcomm', 'ebgp', 'bird',
     lambda m: announces_v4(m, '203.0.113.0/24') and attr(m, 16), True,
     'BIRD eBGP UPDATE: static 203.0.113.0/24; export filter: ORIGIN_INCOMPLETE, '
     'bgp_ext_community.add((rt, 64512, 7)), bgp_community.add((65535, 65281)), no MED, '
     'no prepend'),
    ('bird_update_v6', 'ebgp', 'bird', lambda m: mp_reach(m, 2, '2001:db8:1::1/128'), True,
     'BIRD eBGP UPDATE: static IPv6 /128s 2001:db8:1::1 and ::2 in MP_REACH_NLRI, same '
     'filter as the /32s; channel "next hop address 2001:db8::2"'),
    ('bird_update_v4_ibgp_lp', 'ibgp', 'bird',
     lambda m: announces_v4(m, '198.51.100.1/32') and attr(m, 5), True,
     'BIRD iBGP UPDATE: the same four /32s, plus bgp_local_pref = 200 (BIRD does not add its '
     'own AS on iBGP, the filter prepend remains)'),
    ('bird_update_v4_ibgp_empty_aspath', 'ibgp', 'bird',
     lambda m: announces_v4(m, '203.0.113.0/24'), True,
     'BIRD iBGP UPDATE: 203.0.113.0/24, locally originated over iBGP without prepend, so '
     'AS_PATH is present with length 0; LOCAL_PREF 200'),
    ('bird_update_v6_ibgp', 'ibgp', 'bird', lambda m: mp_reach(m, 2, '2001:db8:1::1/128'), True,
     'BIRD iBGP UPDATE: IPv6 /128s in MP_REACH_NLRI with LOCAL_PREF 200'),
    # withdrawals from BIRD
    ('bird_withdraw_v4', 'ebgp', 'bird', lambda m: withdraws_v4(m, '198.51.100.1/32'), True,
     'BIRD eBGP UPDATE withdrawing all its IPv4 routes in Withdrawn Routes (birdc disable s4)'),
    ('bird_withdraw_v6', 'ebgp', 'bird', lambda m: mp_unreach(m, 2, '2001:db8:1::1/128'), True,
     'BIRD eBGP UPDATE withdrawing its IPv6 routes in MP_UNREACH_NLRI (birdc disable s6)'),
    # UPDATE from GoBGP
    ('gobgp_update_v4', 'ebgp', 'gobgp', lambda m: announces_v4(m, '192.0.2.10/32'), True,
     'GoBGP eBGP UPDATE: gobgp global rib add 192.0.2.10/32 community 64512:100 '
     'nexthop 203.0.113.254'),
    ('gobgp_update_v4_attrs', 'ebgp', 'gobgp', lambda m: announces_v4(m, '192.0.2.11/32'), True,
     'GoBGP eBGP UPDATE: gobgp global rib add 192.0.2.11/32 origin igp med 20 '
     'community 64513:1,64513:2 large-community 64513:10:20 nexthop 203.0.113.254'),
    ('gobgp_update_v6', 'ebgp', 'gobgp', lambda m: mp_reach(m, 2, '2001:db8::10/128'), True,
     'GoBGP eBGP UPDATE: gobgp global rib -a ipv6 add 2001:db8::10/128 nexthop 2001:db8::fe'),
    ('gobgp_update_v4_ibgp', 'ibgp', 'gobgp', lambda m: announces_v4(m, '192.0.2.10/32'), True,
     'GoBGP iBGP UPDATE: 192.0.2.10/32 community 64512:100 nexthop 203.0.113.254'),
    ('gobgp_update_v6_ibgp', 'ibgp', 'gobgp', lambda m: mp_reach(m, 2, '2001:db8::10/128'), True,
     'GoBGP iBGP UPDATE: 2001:db8::10/128 nexthop 2001:db8::fe'),
    # withdrawals from GoBGP
    ('gobgp_withdraw_v4', 'ebgp', 'gobgp', lambda m: withdraws_v4(m, '192.0.2.10/32'), True,
     'GoBGP eBGP UPDATE: gobgp global rib del 192.0.2.10/32 ...'),
    ('gobgp_withdraw_v6', 'ebgp', 'gobgp', lambda m: mp_unreach(m, 2, '2001:db8::10/128'), True,
     'GoBGP eBGP UPDATE: gobgp global rib -a ipv6 del 2001:db8::10/128 ...'),
    # ROUTE-REFRESH
    ('bird_refresh', 'ebgp', 'bird', lambda m: refresh(m, 1), True,
     'BIRD ROUTE-REFRESH request for IPv4 unicast (birdc reload in lb)'),
    ('bird_refresh_v6', 'ebgp', 'bird', lambda m: refresh(m, 2), True,
     'BIRD ROUTE-REFRESH request for IPv6 unicast (same birdc reload in lb)'),
    ('bird_borr_v4', 'b2b', 'bird', lambda m: refresh(m, 1, 1), True,
     'BIRD Beginning-of-Route-Refresh for IPv4 unicast, answering a second BIRD\'s refresh '
     'request (both advertise Enhanced Route Refresh)'),
    ('bird_eorr_v4', 'b2b', 'bird', lambda m: refresh(m, 1, 2), True,
     'BIRD End-of-Route-Refresh for IPv4 unicast (closes the re-advertisement)'),
    ('bird_borr_v6', 'b2b', 'bird', lambda m: refresh(m, 2, 1), False,
     'BIRD Beginning-of-Route-Refresh for IPv6 unicast'),
    ('bird_eorr_v6', 'b2b', 'bird', lambda m: refresh(m, 2, 2), False,
     'BIRD End-of-Route-Refresh for IPv6 unicast'),
    # NOTIFICATION
    ('bird_notify_shutdown', 'ibgp', 'bird', lambda m: notify(m, 6, 2), True,
     'BIRD NOTIFICATION: birdc disable lb "maintenance window"'),
    ('bird_notify_shutdown_nodata', 'b2b', 'bird', lambda m: notify(m, 6, 2), False,
     'BIRD NOTIFICATION when the daemon is stopped by SIGTERM: Cease/Administrative Shutdown '
     'without a shutdown communication'),
    ('gobgp_notify', 'ebgp', 'gobgp', lambda m: notify(m, 6, 2), True,
     'GoBGP NOTIFICATION: gobgp neighbor 127.0.8.2 shutdown --reason "bye"'),
    ('gobgp_notify_reset', 'ebgp', 'gobgp', lambda m: notify(m, 6, 4), True,
     'GoBGP NOTIFICATION: gobgp neighbor 127.0.8.2 reset (no --reason)'),
]


def c_array(name, raw):
    out = ['static const uint8_t cap_%s[%d] CAP_UNUSED = {' % (name, len(raw))]
    for i in range(0, len(raw), 16):
        out.append('\t' + ' '.join('0x%02x,' % b for b in raw[i:i + 16]))
    out.append('};')
    return out


def describe(m):
    s = m.sess
    neg = []
    if s:
        neg.append('AS_PATH %d-octet' % (4 if s.get('as4') else 2))
        if s.get('extmsg'):
            neg.append('extended messages negotiated')
        if s.get('addpath'):
            neg.append('ADD-PATH rx on ' + ', '.join('%d/%d' % k for k in s['addpath']))
        else:
            neg.append('no ADD-PATH')
    return neg


def wrap(first, text, cont, width=110):
    """Split text into comment lines no longer than width, breaking at spaces."""
    out = []
    line = first
    for w in text.split(' '):
        if line not in (first, cont) and len(line) + 1 + len(w) > width:
            out.append(line.rstrip())
            line = cont
        line += ('' if line in (first, cont) else ' ') + w
    out.append(line.rstrip())
    return out


def main(argv):
    dump = None
    versions = None
    phases = []
    args = argv[1:]
    while args:
        a = args.pop(0)
        if a == '--dump':
            dump = args.pop(0)
        elif a == '--versions':
            versions = args.pop(0)
        elif '=' in a:
            phases.append(tuple(a.split('=', 1)))
        else:
            raise SystemExit(__doc__)
    if not phases:
        raise SystemExit(__doc__)
    allmsgs = {}
    for ph, path in phases:
        allmsgs[ph] = load_phase(ph, path)

    errors = [m for ms in allmsgs.values() for m in ms if m.error]
    if dump:
        with open(dump, 'w') as f:
            for ph, ms in allmsgs.items():
                t0 = ms[0].ts if ms else 0
                for m in ms:
                    f.write('[%s #%d +%.3fs] %s -> %s  %s\n' % (
                        ph, m.index, m.ts - t0, m.sender, m.receiver, m.conn))
                    f.write('\n'.join('    ' + x for x in m.lines) + '\n')
                    f.write('    raw %s\n\n' % m.raw.hex())
    for m in errors:
        sys.stderr.write('decode error in %s #%d: %s\n' % (m.phase, m.index, m.error))

    chosen = []
    missing = []
    for name, ph, sender, pred, required, desc in SELECT:
        hit = None
        for m in allmsgs.get(ph, []):
            if m.sender == sender and not m.error and pred(m):
                hit = m
                break
        if hit is None:
            (missing if required else []).append(name)
            sys.stderr.write('%s: no message matches %s\n' % (
                'ERROR' if required else 'note', name))
            continue
        chosen.append((name, desc, hit))
    if missing or errors:
        raise SystemExit('pcap2c: %d required vectors missing, %d decode errors' % (
            len(missing), len(errors)))

    o = []
    o.append('/* captured.h - byte-exact BGP messages captured from BIRD 2 and GoBGP.')
    o.append(' *')
    o.append(' * GENERATED by tests/unit/capture/capture.sh (which runs pcap2c.py): do not')
    o.append(' * edit by hand, re-run the capture (as root; see the top of capture.sh).')
    if versions:
        o.append(' * Captured with %s on loopback.' % versions)
    o.append(' *')
    o.append(' * BIRD speaks from 127.0.8.2 (router id 127.0.8.2, AS 64512), GoBGP from')
    o.append(' * 127.0.8.3 (router id 127.0.8.3; AS 64513 in phase "ebgp", AS 64512 in')
    o.append(' * phase "ibgp"). Phase "b2b" puts a second BIRD (AS 64513) on 127.0.8.3 to')
    o.append(' * get RFC 7313 BoRR/EoRR out of BIRD: GoBGP 3.10 never sends ROUTE-REFRESH')
    o.append(' * (`gobgp neighbor X softresetin` only re-filters the Adj-RIB-In it keeps)')
    o.append(' * and does not advertise Enhanced Route Refresh, so there is no')
    o.append(' * cap_gobgp_refresh.')
    o.append(' *')
    o.append(' * Every session negotiates the 4-octet AS capability, so every AS_PATH here')
    o.append(' * carries 4-octet ASNs. No ADD-PATH is negotiated (GoBGP only offers to')
    o.append(' * receive, BIRD offers nothing), so no NLRI carries a path identifier.')
    o.append(' * Extended messages (RFC 8654) are never negotiated (GoBGP lacks them); all')
    o.append(' * messages are <= 4096 bytes.')
    o.append(' *')
    o.append(' * Each array is one complete message: 16-byte marker, 2-byte length, 1-byte')
    o.append(' * type, body. The comment above it is the decode by pcap2c.py (written from')
    o.append(' * the RFCs, independent of the C code), i.e. what a correct decoder must')
    o.append(' * find. Attribute lines give the flags byte as sent (0x80 optional,')
    o.append(' * 0x40 transitive, 0x20 partial, 0x10 extended length), the type code, the')
    o.append(' * value length (not counting the 3- or 4-byte attribute header) and the')
    o.append(' * decoded value. Prefix lists keep wire order.')
    o.append(' */')
    o.append('#ifndef LBBGP_TESTS_CAPTURED_H')
    o.append('#define LBBGP_TESTS_CAPTURED_H')
    o.append('')
    o.append('#include <stddef.h>')
    o.append('#include <stdint.h>')
    o.append('')
    o.append('#if defined(__GNUC__) || defined(__clang__)')
    o.append('#define CAP_UNUSED __attribute__((unused))')
    o.append('#else')
    o.append('#define CAP_UNUSED')
    o.append('#endif')
    o.append('')
    for name, desc, m in chosen:
        o.append('/*')
        o.append(' * cap_%s' % name)
        o.extend(wrap(' *   ', desc, ' *   '))
        where = '%s -> %s, phase "%s"' % (m.sender, m.receiver, m.phase)
        if m.type == 2:
            where += '; session: ' + ', '.join(describe(m))
        o.extend(wrap(' *   ', where, ' *   '))
        o.append(' *')
        for ln in m.lines:
            ind = len(ln) - len(ln.lstrip(' '))
            o.extend(wrap(' * ' + ln[:ind], ln[ind:], ' * ' + ' ' * (ind + 4)))
        o.append(' */')
        o.extend(c_array(name, m.raw))
        o.append('')
    o.append('struct cap_msg {')
    o.append('\tconst char *name;')
    o.append('\tconst uint8_t *bytes;')
    o.append('\tsize_t len;')
    o.append('};')
    o.append('')
    o.append('#define CAP_ENTRY(n) { #n, n, sizeof(n) }')
    o.append('static const struct cap_msg cap_all[] CAP_UNUSED = {')
    for name, _d, _m in chosen:
        o.append('\tCAP_ENTRY(cap_%s),' % name)
    o.append('};')
    o.append('#undef CAP_ENTRY')
    o.append('#define CAP_ALL_COUNT (sizeof(cap_all) / sizeof(cap_all[0]))')
    o.append('')
    o.append('#endif /* LBBGP_TESTS_CAPTURED_H */')
    sys.stdout.write('\n'.join(o) + '\n')

    # coverage report: message shapes seen but not named
    named = set(id(m) for _n, _d, m in chosen)
    shapes = {}
    for ph, ms in allmsgs.items():
        for m in ms:
            if id(m) in named:
                continue
            k = (ph, m.sender, TYPES.get(m.type, m.type),
                 tuple(a['type'] for a in m.info.get('attrs', [])))
            shapes[k] = shapes.get(k, 0) + 1
    sys.stderr.write('%d vectors written; unnamed messages by shape:\n' % len(chosen))
    for k, n in sorted(shapes.items(), key=str):
        sys.stderr.write('  %dx %s\n' % (n, k))


if __name__ == '__main__':
    main(sys.argv)
