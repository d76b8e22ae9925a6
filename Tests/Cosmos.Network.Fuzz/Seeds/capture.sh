#!/usr/bin/env bash
# Recaptures the seed pcaps in this folder (a one-off: the pcaps are committed, CI never runs this). Needs root and
# the Debian packages tcpdump dnsmasq-base isc-dhcp-client busybox dnsutils iputils-ping ethtool python3 curl.
# Two network namespaces joined by a veth pair carry all the traffic; nothing leaves this machine.
#   nfz-srv: nfz0 10.99.0.1/24 — dnsmasq (DHCP 10.99.0.50-60, DNS for *.fuzz.test), python http.server, UDP sink
#   nfz-cli: nfz1 — DHCP client first (dhclient, busybox udhcpc), then 10.99.0.2/24 for the rest
# tcpdump runs in nfz-cli on nfz1, one pcap per scenario. Checksum and segmentation offloads are off on both ends,
# so the captured checksums are the ones on the wire.
set -euo pipefail
OUT=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
S="ip netns exec nfz-srv"; C="ip netns exec nfz-cli"
cleanup() {
  for p in $(cat "$WORK"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  ip netns del nfz-srv 2>/dev/null || true; ip netns del nfz-cli 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add nfz-srv; ip netns add nfz-cli
ip link add nfz0 netns nfz-srv type veth peer name nfz1 netns nfz-cli
$S ip link set lo up; $C ip link set lo up
$S ip link set nfz0 address 02:00:00:99:00:01; $C ip link set nfz1 address 02:00:00:99:00:02
for side in "$S ethtool -K nfz0" "$C ethtool -K nfz1"; do $side tx off rx off tso off gso off gro off >/dev/null 2>&1 || true; done
$S ip addr add 10.99.0.1/24 dev nfz0
$S ip link set nfz0 up; $C ip link set nfz1 up
sleep 1

cap_start() { $C tcpdump -i nfz1 -U -s 0 -w "$OUT/$1.pcap" >/dev/null 2>&1 & echo $! > "$WORK/tcpdump.pid"; sleep 1.5; }
cap_stop() { sleep 1; kill -INT "$(cat "$WORK/tcpdump.pid")"; wait "$(cat "$WORK/tcpdump.pid")" 2>/dev/null || true; rm -f "$WORK/tcpdump.pid"; }

# dnsmasq: DHCP and DNS; a CNAME chain, MX, TXT, PTR and SRV give compressed names in the answers.
$S dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --interface=nfz0 --bind-interfaces \
  --dhcp-range=10.99.0.50,10.99.0.60,255.255.255.0,1h --dhcp-option=3,10.99.0.1 --dhcp-option=6,10.99.0.1 \
  --dhcp-leasefile="$WORK/leases" --pid-file="$WORK/dnsmasq.pidfile" \
  --address=/fuzz.test/10.99.0.7 --host-record=host1.fuzz.test,10.99.0.11 --host-record=host2.fuzz.test,10.99.0.12 \
  --cname=www.fuzz.test,host1.fuzz.test --cname=alias.fuzz.test,www.fuzz.test \
  --mx-host=fuzz.test,mail.fuzz.test,10 --txt-record=fuzz.test,"v=seed text","second string" \
  --ptr-record=11.0.99.10.in-addr.arpa,host1.fuzz.test --srv-host=_sip._udp.fuzz.test,host2.fuzz.test,5060,1,2 \
  >"$WORK/dnsmasq.log" 2>&1 & echo $! > "$WORK/dnsmasq.pid"
sleep 1

# 1. DHCP: ISC dhclient (DISCOVER/OFFER/REQUEST/ACK, then RELEASE) and busybox udhcpc.
cap_start dhcp
$C dhclient -1 -v -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pidfile" -sf /bin/true nfz1 >"$WORK/dhclient.log" 2>&1 || true
$C dhclient -r -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pidfile" -sf /bin/true nfz1 >>"$WORK/dhclient.log" 2>&1 || true
$C timeout 20 busybox udhcpc -i nfz1 -n -q -f -s /bin/true -x hostname:fuzzseed >"$WORK/udhcpc.log" 2>&1 || true
cap_stop
$C ip addr add 10.99.0.2/24 dev nfz1

# 2. ARP (resolution, gratuitous ARP, ARP reply) and ICMP echo, record-route and timestamp IP options.
cap_start arp-icmp
$C ip neigh flush dev nfz1 || true
$C ping -c 2 -i 0.3 10.99.0.1 >/dev/null
$C ping -c 1 -R 10.99.0.1 >/dev/null || true
$C ping -c 1 -T tsonly 10.99.0.1 >/dev/null || true
$C busybox arping -c 1 -U -I nfz1 10.99.0.2 >/dev/null 2>&1 || true
$C busybox arping -c 1 -I nfz1 10.99.0.1 >/dev/null 2>&1 || true
$S ping -c 1 -b 10.99.0.255 >/dev/null 2>&1 || true
cap_stop

# 3. Fragmented ICMP echo (3000 and 8000 octets of data) and its fragmented replies.
cap_start fragments
$C ping -c 2 -i 0.3 -s 3000 10.99.0.1 >/dev/null
$C ping -c 1 -s 8000 10.99.0.1 >/dev/null
cap_stop

# 4. UDP: datagrams to a listening port, to a closed port (ICMP port unreachable comes back), a broadcast, a large
#    fragmented datagram, and a zero checksum is not producible from Linux sockets (mutations cover it).
$S python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.99.0.1", 7000)); s.settimeout(6)
try:
    while True:
        d, a = s.recvfrom(65535); s.sendto(d[::-1], a)
except socket.timeout: pass
' & echo $! > "$WORK/udpsink.pid"
sleep 0.5
cap_start udp
$C python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
for msg in (b"hello seed", b"", b"x" * 200, b"y" * 2500):
    s.sendto(msg, ("10.99.0.1", 7000))
    try: s.recvfrom(65535)
    except socket.timeout: pass
s.sendto(b"nobody listens", ("10.99.0.1", 7001)); time.sleep(0.3)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
b.sendto(b"broadcast seed", ("10.99.0.255", 7000))
'
cap_stop

# 5. DNS over UDP: A, CNAME chain, MX, TXT, PTR, SRV, AAAA (empty), NXDOMAIN; with and without EDNS.
cap_start dns
for q in "host1.fuzz.test A" "alias.fuzz.test A" "fuzz.test MX" "fuzz.test TXT" "-x 10.99.0.11" "_sip._udp.fuzz.test SRV" \
         "host2.fuzz.test AAAA" "nothing.example.invalid A" "any.fuzz.test A"; do
  $C dig +notcp +tries=1 +time=2 @10.99.0.1 $q >/dev/null || true
done
$C dig +notcp +noedns +tries=1 +time=2 @10.99.0.1 www.fuzz.test A >/dev/null || true
$C dig +notcp +noedns +tries=1 +time=2 @10.99.0.1 fuzz.test MX >/dev/null || true
cap_stop

# 6. TCP (seeds for the TCP target to come): an HTTP GET and a refused connection (RST).
mkdir -p "$WORK/www"; echo "seed page for the network fuzzer" > "$WORK/www/index.html"
(cd "$WORK/www" && $S python3 -m http.server 8080 --bind 10.99.0.1 >/dev/null 2>&1) & echo $! > "$WORK/http.pid"
sleep 1.5
cap_start tcp
$C curl -s -o /dev/null http://10.99.0.1:8080/index.html || true
$C curl -s -o /dev/null --max-time 2 http://10.99.0.1:8081/ || true
cap_stop
ls -l "$OUT"/*.pcap
