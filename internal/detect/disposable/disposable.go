// Package disposable says whether an email address or domain belongs to a
// disposable (throwaway) email provider such as mailinator.com.
//
// It owns the vendored list in domains.txt, embedded at build time: the
// blocklist of the npm package disposable-email-domains-js (CC0-1.0), which
// is generated from github.com/disposable-email-domains/disposable-email-domains.
// scripts/update-disposable-domains refreshes it; nothing is fetched at run
// time. The package is pure: no I/O, no global state beyond the embedded
// bytes.
package disposable

import (
	_ "embed"
	"strings"
)

// domainsTxt is the vendored list: one lower-case domain a line, sorted and
// deduplicated, after a header of "#" comment lines naming its source
// package, version, licence and fetch date.
//
//go:embed domains.txt
var domainsTxt string

// maxDomainLen is the longest domain name DNS allows, in bytes (RFC 1035).
const maxDomainLen = 253

// List is a set of disposable email domains. It is built once by New and
// only read afterwards, so one List is safe for concurrent use by any number
// of goroutines.
type List struct {
	domains map[string]struct{}
}

// New parses the embedded domain list. Blank lines and "#" comments are
// skipped, entries are lower-cased and lose a trailing dot, and entries of a
// single label ("com") are dropped so that no bare top-level domain can ever
// match. Build one List and share it: New allocates a map of some thousand
// entries.
func New() *List {
	l := &List{domains: make(map[string]struct{}, 10000)}
	for line := range strings.Lines(domainsTxt) {
		d := strings.ToLower(strings.TrimSpace(line))
		if d == "" || d[0] == '#' {
			continue
		}
		d = strings.TrimSuffix(d, ".")
		if !strings.Contains(d, ".") {
			continue
		}
		l.domains[d] = struct{}{}
	}
	return l
}

// Len returns the number of domains on the list.
func (l *List) Len() int {
	return len(l.domains)
}

// Contains reports whether emailOrDomain is, or is an address at, a
// disposable email domain. It accepts an address ("user@Mailinator.com",
// whose domain is everything after the last "@") or a bare domain
// ("mailinator.com"); surrounding white space, letter case and one trailing
// dot ("mailinator.com.") are ignored. A subdomain matches when any parent
// domain is on the list ("x.mailinator.com" matches "mailinator.com"), but a
// name of a single label ("com") never matches. Malformed input — empty, an
// empty domain part ("a@"), empty labels ("a..b.com"), or an over-long name
// — reports false; so does anything not on the list, including non-ASCII
// domains, which would have to be given in punycode form to match. Contains
// never panics.
func (l *List) Contains(emailOrDomain string) bool {
	d := strings.TrimSpace(emailOrDomain)
	if i := strings.LastIndexByte(d, '@'); i >= 0 {
		d = d[i+1:]
	}
	d = strings.TrimSuffix(d, ".")
	if d == "" || len(d) > maxDomainLen || !wellFormed(d) {
		return false
	}
	d = strings.ToLower(d)
	// Try the domain itself, then each parent down to two labels.
	for {
		if _, ok := l.domains[d]; ok {
			return true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return false
		}
		d = d[i+1:]
		if !strings.Contains(d, ".") {
			return false
		}
	}
}

// wellFormed reports whether d has no empty label and no white space, which
// is all Contains needs to walk its parents safely; anything else odd about
// it simply won't be on the list.
func wellFormed(d string) bool {
	if d[0] == '.' || d[len(d)-1] == '.' || strings.Contains(d, "..") {
		return false
	}
	return !strings.ContainsAny(d, " \t\r\n")
}
