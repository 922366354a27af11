package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

// fakeResolver maps lower-case host names to addresses so tests never touch
// DNS; like DNS it ignores case and a trailing dot, and any other name fails
// to resolve.
type fakeResolver map[string][]string

func (f fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	addrs, ok := f[strings.ToLower(strings.TrimSuffix(host, "."))]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	ips := make([]net.IPAddr, len(addrs))
	for i, a := range addrs {
		ips[i] = net.IPAddr{IP: net.ParseIP(a)}
	}
	return ips, nil
}

func TestCheckURL(t *testing.T) {
	resolver := fakeResolver{
		"hooks.example.com": {"93.184.215.14"},
		"localhost":         {"127.0.0.1"},
		"mixed.example.com": {"93.184.215.14", "10.1.2.3"},
		"internal.corp":     {"10.0.0.5"},
		"metadata.corp":     {"169.254.169.254"},
		"mapped.example":    {"::ffff:192.168.1.1"},
	}
	strict := Guard{Resolver: resolver}
	private := Guard{Resolver: resolver, AllowPrivate: true}
	listed := Guard{Resolver: resolver, AllowHosts: []string{"Internal.Corp", "metadata.corp", "10.9.9.9"}}

	tests := []struct {
		guard Guard
		url   string
		// why is "" when the URL must be accepted, otherwise a fragment of
		// the refusal message.
		why string
	}{
		{strict, "https://93.184.215.14/hook", ""},
		{strict, "https://[2606:4700::1111]:8443/hook", ""},
		{strict, "https://hooks.example.com/hook?x=1", ""},
		{strict, "HTTPS://HOOKS.example.com/hook", ""},
		{strict, "http://127.0.0.1/", "address 127.0.0.1 is loopback"},
		{strict, "http://127.8.9.10:8080/", "is loopback"},
		{strict, "http://localhost:8080/", "address 127.0.0.1 is loopback"},
		{strict, "http://10.0.0.5/", "address 10.0.0.5 is private"},
		{strict, "http://172.16.3.4/", "is private"},
		{strict, "http://172.31.255.255/", "is private"},
		{strict, "http://192.168.0.1/", "is private"},
		{strict, "http://169.254.169.254/latest/meta-data/", "is a cloud metadata address"},
		{strict, "http://169.254.1.1/", "is link-local"},
		{strict, "http://[::1]/", "address ::1 is loopback"},
		{strict, "http://[::ffff:127.0.0.1]/", "is loopback"},
		{strict, "http://[::ffff:a9fe:a9fe]/", "is a cloud metadata address"},
		{strict, "http://mapped.example/", "is private"},
		{strict, "http://[fe80::1]/", "is link-local"},
		{strict, "http://[fe80::1%25eth0]/", "is link-local"},
		{strict, "http://[fd12:3456::1]/", "is private"},
		{strict, "http://[fd00:ec2::254]/", "is a cloud metadata address"},
		{strict, "http://100.64.0.1/", "shared address space"},
		{strict, "http://100.127.255.255/", "shared address space"},
		{strict, "http://0.0.0.0/", "is unspecified"},
		{strict, "http://[::]/", "is unspecified"},
		{strict, "http://0.1.2.3/", "0.0.0.0/8"},
		{strict, "http://224.0.0.1/", "is multicast"},
		{strict, "http://[ff02::1]/", "is multicast"},
		{strict, "http://255.255.255.255/", "is broadcast"},
		{strict, "http://240.0.0.1/", "is reserved"},
		{strict, "http://[64:ff9b::a00:5]/", "private (NAT64 form of 10.0.0.5)"},
		{strict, "http://[64:ff9b::808:808]/", ""},
		{strict, "http://[2002:7f00:1::]/", "loopback (6to4 form of 127.0.0.1)"},
		{strict, "http://mixed.example.com/", "address 10.1.2.3 is private"},
		{strict, "ftp://93.184.215.14/", `scheme "ftp"`},
		{strict, "file:///etc/passwd", `scheme "file"`},
		{strict, "//93.184.215.14/", `scheme ""`},
		{strict, "https://user:pass@93.184.215.14/", "credentials"},
		{strict, "https://token@93.184.215.14/", "credentials"},
		{strict, "http:///path", "no host"},
		{strict, "http://[::1/", "invalid URL"},

		{private, "http://127.0.0.1:8080/", ""},
		{private, "http://localhost/", ""},
		{private, "http://[::1]/", ""},
		{private, "http://10.0.0.5/", ""},
		{private, "http://169.254.169.254/", "is a cloud metadata address"},
		{private, "http://[::ffff:169.254.169.254]/", "is a cloud metadata address"},
		{private, "http://[64:ff9b::a9fe:a9fe]/", "cloud metadata address (NAT64 form of 169.254.169.254)"},
		{private, "http://[fd00:ec2::254]/", "is a cloud metadata address"},
		{private, "ftp://127.0.0.1/", `scheme "ftp"`},

		{listed, "https://internal.corp/hook", ""},
		{listed, "https://internal.corp./hook", ""},
		{listed, "http://10.9.9.9/", ""},
		{listed, "http://10.9.9.8/", "is private"},
		{listed, "http://localhost/", "is loopback"},
		{listed, "http://metadata.corp/", "is a cloud metadata address"},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("AllowPrivate=%v,AllowHosts=%v/%s", tt.guard.AllowPrivate, tt.guard.AllowHosts, tt.url)
		t.Run(name, func(t *testing.T) {
			err := tt.guard.CheckURL(context.Background(), tt.url)
			if tt.why == "" {
				if err != nil {
					t.Fatalf("CheckURL: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrForbiddenTarget) {
				t.Fatalf("CheckURL error = %v, want ErrForbiddenTarget", err)
			}
			if !strings.Contains(err.Error(), tt.why) {
				t.Fatalf("CheckURL error = %q, want it to mention %q", err, tt.why)
			}
		})
	}
}

func TestCheckURLDoesNotLeakCredentials(t *testing.T) {
	for _, raw := range []string{"https://user:hunter2@93.184.215.14/", "https://user:hunter2@[::1/"} {
		err := Guard{}.CheckURL(context.Background(), raw)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("CheckURL(%q) = %v, want a refusal without the password", raw, err)
		}
	}
}

func TestCheckURLLookupFailure(t *testing.T) {
	var _ Resolver = net.DefaultResolver // the nil-Resolver default fits the interface
	err := Guard{Resolver: fakeResolver{}}.CheckURL(context.Background(), "https://nowhere.example/")
	if err == nil {
		t.Fatal("CheckURL accepted an unresolvable host")
	}
	// The host may be fine once DNS recovers, so this is not a refusal.
	if errors.Is(err, ErrForbiddenTarget) {
		t.Fatalf("CheckURL error = %v, should not be ErrForbiddenTarget", err)
	}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Fatalf("CheckURL error = %v, want the resolver's error wrapped", err)
	}
}

// TestDialControl covers the connect-time check on its own, since the
// client tests can only reach loopback.
func TestDialControl(t *testing.T) {
	tests := []struct {
		allowPrivate bool
		address      string
		ok           bool
	}{
		{false, "93.184.215.14:443", true},
		{false, "[2606:4700::1111]:443", true},
		{false, "127.0.0.1:80", false},
		{false, "10.0.0.5:443", false},
		{false, "[::ffff:10.0.0.5]:443", false},
		{false, "[fe80::1%eth0]:80", false},
		{true, "127.0.0.1:80", true},
		{true, "169.254.169.254:80", false},
		{true, "[fd00:ec2::254]:80", false},
		{false, "not-an-ip:80", false},
	}
	for _, tt := range tests {
		err := dialControl(tt.allowPrivate)("tcp", tt.address, nil)
		if tt.ok && err != nil {
			t.Errorf("allowPrivate=%v %s: %v", tt.allowPrivate, tt.address, err)
		}
		if !tt.ok && !errors.Is(err, ErrForbiddenTarget) {
			t.Errorf("allowPrivate=%v %s: error = %v, want ErrForbiddenTarget", tt.allowPrivate, tt.address, err)
		}
	}
}
