package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

const (
	// maxRedirects is how many redirects a Guard client follows; each hop
	// is re-checked, but a short chain keeps a hostile endpoint from
	// stringing deliveries along.
	maxRedirects = 3
	// defaultTimeout applies when Client is given no positive timeout, so a
	// misconfiguration never yields a client that can hang forever.
	defaultTimeout = 30 * time.Second
	// maxResponseHeaderBytes bounds what an untrusted endpoint can make us
	// buffer before we see a status code.
	maxResponseHeaderBytes = 64 << 10
)

// ErrForbiddenTarget is wrapped by every refusal of a webhook target: a URL
// that is malformed, not http(s), carries credentials, or reaches an address
// the Guard does not allow. Deliveries failing with it are never retried.
var ErrForbiddenTarget = errors.New("forbidden webhook target")

// Resolver looks up the addresses of a host name. *net.Resolver satisfies
// it; tests inject fakes so they never touch DNS.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Guard decides which webhook targets may be contacted, so that
// marketplace-supplied URLs cannot be used to reach internal services
// (SSRF). The zero value allows only public unicast addresses.
type Guard struct {
	// AllowPrivate permits loopback, private, link-local and other
	// non-public addresses; it is for tests and on-prem deployments. The
	// cloud metadata addresses 169.254.169.254 and fd00:ec2::254 stay
	// refused regardless.
	AllowPrivate bool
	// AllowHosts lists host names (compared case-insensitively with
	// url.URL.Hostname, so IPv6 literals go without brackets) that skip the
	// address check as if AllowPrivate were set for them alone; the
	// metadata addresses are still refused.
	AllowHosts []string
	// Resolver resolves host names for CheckURL; nil means
	// net.DefaultResolver. Connections made by Client resolve through the
	// system as usual and are checked on the address actually dialled.
	Resolver Resolver
}

// CheckURL reports whether raw may be used as a webhook target: it must be an
// absolute http or https URL with a host and no user-info, and every address
// the host resolves to must be allowed. Refusals wrap ErrForbiddenTarget and
// name the offending address and why; a failed lookup is returned as a plain
// error because it says nothing about the target being forbidden.
func (g Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the raw URL, which may hold credentials.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%w: invalid URL: %v", ErrForbiddenTarget, err)
	}
	target := u.Redacted()
	host := u.Hostname()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return forbidden(target, fmt.Sprintf("scheme %q is not http or https", u.Scheme))
	case u.User != nil:
		return forbidden(target, "credentials in the URL are not allowed")
	case host == "":
		return forbidden(target, "no host")
	}
	addrs, err := g.lookup(ctx, host)
	if err != nil {
		return fmt.Errorf("webhook target %q: %w", target, err)
	}
	allowPrivate := g.allowsPrivate(host)
	// One bad address is enough: the dialer may pick any of them.
	for _, a := range addrs {
		if reason := addrProblem(a, allowPrivate); reason != "" {
			return forbidden(target, fmt.Sprintf("address %s is %s", a, reason))
		}
	}
	return nil
}

// Client returns an HTTP client for delivering to targets this Guard allows.
// Its dialer re-checks the address actually being connected to, which defeats
// DNS rebinding between CheckURL and the connection and covers callers that
// never called CheckURL; proxies are disabled because a proxy would connect
// on our behalf, out of the dialer's sight; each redirect is re-checked with
// CheckURL and at most 3 are followed. timeout bounds the whole request
// including reading the body; zero or negative means 30 seconds.
func (g Guard) Client(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	// The client outlives this call; don't let later edits to the caller's
	// slice change its policy.
	g.AllowHosts = slices.Clone(g.AllowHosts)
	guarded := &net.Dialer{Timeout: timeout, Control: dialControl(g.AllowPrivate)}
	// The dial-time Control only sees an IP, so the AllowHosts exemption has
	// to be decided here, where the host name is still known.
	exempt := &net.Dialer{Timeout: timeout, Control: dialControl(true)}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, err := net.SplitHostPort(addr); err == nil && g.allowsPrivate(host) {
				return exempt.DialContext(ctx, network, addr)
			}
			return guarded.DialContext(ctx, network, addr)
		},
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("webhook: stopped after %d redirects", maxRedirects)
			}
			return g.CheckURL(req.Context(), req.URL.String())
		},
	}
}

// allowsPrivate reports whether non-public addresses are acceptable for host.
func (g Guard) allowsPrivate(host string) bool {
	if g.AllowPrivate {
		return true
	}
	// "example.com." names the same host as "example.com".
	host = strings.TrimSuffix(host, ".")
	return slices.ContainsFunc(g.AllowHosts, func(h string) bool {
		return strings.EqualFold(strings.TrimSuffix(h, "."), host)
	})
}

// lookup returns the addresses of host, without DNS for IP literals.
func (g Guard) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	var r Resolver = net.DefaultResolver
	if g.Resolver != nil {
		r = g.Resolver
	}
	ips, err := r.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("resolving %q: %w", host, err)
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("resolving %q: no addresses", host)
	}
	addrs := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		a, ok := netip.AddrFromSlice(ip.IP)
		if !ok {
			return nil, fmt.Errorf("resolving %q: malformed address %v", host, ip.IP)
		}
		// net.IP often holds IPv4 in its 16-byte form; report it as the
		// IPv4 address it is.
		addrs = append(addrs, a.Unmap())
	}
	return addrs, nil
}

// dialControl returns a net.Dialer Control function that refuses to connect
// to addresses addrProblem objects to.
func dialControl(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return forbidden(address, "not an IP address and port")
		}
		if reason := addrProblem(ap.Addr(), allowPrivate); reason != "" {
			return forbidden(address, fmt.Sprintf("address %s is %s", ap.Addr(), reason))
		}
		return nil
	}
}

// forbidden builds a refusal wrapping ErrForbiddenTarget.
func forbidden(target, why string) error {
	return fmt.Errorf("%w %q: %s", ErrForbiddenTarget, target, why)
}

// addrProblem says why a must not be contacted (completing "address X is
// ..."), or returns "" when it may be.
func addrProblem(a netip.Addr, allowPrivate bool) string {
	// Unmap so that ::ffff:127.0.0.1 is judged as the 127.0.0.1 it reaches.
	a = a.Unmap().WithZone("")
	if a == netip.AddrFrom4([4]byte{169, 254, 169, 254}) || a == netip.MustParseAddr("fd00:ec2::254") {
		return "a cloud metadata address"
	}
	if v4, form, ok := embeddedIPv4(a); ok {
		if reason := addrProblem(v4, allowPrivate); reason != "" {
			return fmt.Sprintf("%s (%s form of %s)", reason, form, v4)
		}
		return ""
	}
	if allowPrivate {
		return ""
	}
	switch {
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsPrivate():
		return "private"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	case inPrefix(a, "0.0.0.0/8"):
		return `in 0.0.0.0/8 ("this network")`
	case inPrefix(a, "100.64.0.0/10"):
		return "shared address space (CGNAT)"
	case inPrefix(a, "240.0.0.0/4"):
		return "reserved"
	}
	return ""
}

// embeddedIPv4 extracts the IPv4 address that a NAT64 (64:ff9b::/96) or 6to4
// (2002::/16) address leads to, since on networks with those gateways the
// IPv6 form reaches the IPv4 host.
func embeddedIPv4(a netip.Addr) (v4 netip.Addr, form string, ok bool) {
	b := a.As16()
	switch {
	case inPrefix(a, "64:ff9b::/96"):
		return netip.AddrFrom4([4]byte(b[12:16])), "NAT64", true
	case inPrefix(a, "2002::/16"):
		return netip.AddrFrom4([4]byte(b[2:6])), "6to4", true
	}
	return netip.Addr{}, "", false
}

// inPrefix reports whether a lies in cidr, a constant written inline so the
// classification reads like the RFC tables it comes from.
func inPrefix(a netip.Addr, cidr string) bool {
	return netip.MustParsePrefix(cidr).Contains(a)
}
