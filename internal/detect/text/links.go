package text

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"mvdan.cc/xurls/v2"
)

// address is an email address or a link found in a normalised text.
type address struct {
	start, end int
	value      string
}

// emailPattern finds addresses in normalised text; the TLD is checked
// after.
const emailPattern = `[\p{L}\p{N}_%+\-](?:[\p{L}\p{N}._%+\-]*[\p{L}\p{N}_%+\-])?@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`

func (d *Detector) emails(n Normalised) []address {
	if strings.IndexByte(n.Text, '@') < 0 {
		return nil // every address has one
	}
	var out []address
	for _, loc := range d.emailRe.FindAllStringIndex(n.Text, -1) {
		v := n.Text[loc[0]:loc[1]]
		if tld := v[strings.LastIndexByte(v, '.')+1:]; d.nz.tlds[tld] || d.pseudoTLDs[tld] {
			out = append(out, address{loc[0], loc[1], v})
		}
	}
	return out
}

// urlHit is a URL or bare domain with what the phishing rules need.
type urlHit struct {
	address
	host string // lower case, as written (Unicode or xn--)
	path string // path and query, lower case
	bare bool   // no scheme, no www., no path
}

// urls finds links and bare domains with xurls, skipping email addresses
// (an address yields contact.email only) and what only looks like a
// domain. A bare domain ("example.com", no scheme, "www." or path) must
// pass extra checks, because text without a blank after a full stop
// ("Zustand.Haus", "GmbH & Co.KG") or a file name ("fotos.zip") produces
// domain-shaped words:
//   - its TLD is a country code or a common generic TLD, never a file
//     extension that is also a TLD (.zip, .mov, .py, .sh, .md, .rs) nor a
//     pseudo-TLD (.example, .local): those need a scheme, "www." or a path;
//   - the label before the TLD is not an abbreviation (co, ca, bzw, nr);
//   - the TLD is not capitalised like the first word of a sentence.
func (d *Detector) urls(n Normalised, emails []address) []urlHit {
	var out []urlHit
	re := xurls.Relaxed()
	emailGroup := re.SubexpIndex("relaxedEmail")
	for _, loc := range linkMatches(re, n.Text) {
		a, b := loc[0], loc[1]
		if loc[2*emailGroup] >= 0 || overlapsAny(a, b, emails) {
			continue
		}
		raw := strings.TrimRight(n.Text[a:b], ".,;:!?")
		b = a + len(raw)
		u, ok := d.parseLink(raw)
		if !ok {
			continue
		}
		if u.bare && !d.acceptBare(n, u.host, a, b) {
			continue
		}
		u.start, u.end = a, b
		u.value = raw
		if orig := n.Match(a, b); strings.EqualFold(orig, raw) {
			u.value = orig // keep the case of paths: bit.ly/AbC is not bit.ly/abc
		}
		if orig := strings.ToLower(norm.NFKC.String(n.Match(a, b))); !isASCII(orig) {
			// A host written with look-alike letters ("раypal.com"): the
			// real link is the original one, not its ASCII skeleton.
			if ou, ok := d.parseLink(orig); ok {
				u.host, u.value = ou.host, orig
			}
		}
		out = append(out, u)
	}
	return out
}

// linkMatches runs re (xurls) only on the blank-separated words that can
// hold a link: those with "://", or a dot followed by a letter or digit.
// xurls' expression is large, and most of a listing is prose without one.
// The matches carry re's submatch indexes, shifted to positions in t.
func linkMatches(re *regexp.Regexp, t string) [][]int {
	var out [][]int
	for i := 0; i < len(t); {
		for i < len(t) && isBlank(t[i]) {
			i++
		}
		j := i
		for j < len(t) && !isBlank(t[j]) {
			j++
		}
		if w := t[i:j]; strings.Contains(w, "://") || dotLetter(w) {
			for _, loc := range re.FindAllStringSubmatchIndex(w, -1) {
				for k := range loc {
					if loc[k] >= 0 {
						loc[k] += i
					}
				}
				out = append(out, loc)
			}
		}
		i = j
	}
	return out
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func dotLetter(w string) bool {
	for k := strings.IndexByte(w, '.'); k >= 0 && k+1 < len(w); {
		r, _ := utf8.DecodeRuneInString(w[k+1:])
		if isWordRune(r) {
			return true
		}
		next := strings.IndexByte(w[k+1:], '.')
		if next < 0 {
			return false
		}
		k += 1 + next
	}
	return false
}

func overlapsAny(a, b int, xs []address) bool {
	for _, x := range xs {
		if a < x.end && x.start < b {
			return true
		}
	}
	return false
}

// parseLink splits a matched link into host and path; schemes other than
// web ones (tel:, mailto:, bitcoin:) are not links to a site.
func (d *Detector) parseLink(raw string) (urlHit, bool) {
	scheme := strings.Contains(raw, "://")
	if !scheme && strings.Contains(raw, ":") && !strings.Contains(strings.SplitN(raw, "/", 2)[0], ".") {
		return urlHit{}, false
	}
	s := raw
	if !scheme {
		s = "http://" + raw
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return urlHit{}, false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp", "ftps":
	default:
		return urlHit{}, false
	}
	host := strings.ToLower(u.Hostname())
	path := strings.ToLower(strings.TrimSuffix(u.EscapedPath(), "/"))
	if u.RawQuery != "" {
		path += "?" + strings.ToLower(u.RawQuery)
	}
	p, _ := url.PathUnescape(path)
	return urlHit{
		host: host,
		path: p,
		bare: !scheme && !strings.HasPrefix(host, "www.") && path == "",
	}, true
}

func (d *Detector) acceptBare(n Normalised, host string, a, b int) bool {
	labels := strings.Split(host, ".")
	if len(labels) < 2 || net.ParseIP(host) != nil {
		return false // "12.34.56.78" without a scheme is more often a number than a host
	}
	tld := labels[len(labels)-1]
	if !d.nz.tlds[tld] || d.fileTLDs[tld] || d.nz.stop[labels[len(labels)-2]] {
		return false
	}
	if utf8.RuneCountInString(tld) != 2 && !d.commonTLDs[tld] {
		return false
	}
	orig := n.Match(a, b)
	return !isTitle(orig[strings.LastIndexByte(orig, '.')+1:])
}

// registrable returns the registrable domain of host ("login.paypal.com" →
// "paypal.com", "shop.example.co.uk" → "example.co.uk") and its label
// ("paypal"). Only the common two-level public suffixes are known; that
// is enough to compare hosts with a list of brands.
func (d *Detector) registrable(host string) (domain, label string) {
	labels := strings.Split(strings.TrimPrefix(host, "www."), ".")
	n := 2
	if len(labels) >= 3 && d.twoLevel[strings.Join(labels[len(labels)-2:], ".")] {
		n = 3
	}
	if len(labels) < n {
		return host, labels[0]
	}
	return strings.Join(labels[len(labels)-n:], "."), labels[len(labels)-n]
}

// domainSet is a list of domains; a host matches a domain or any of its
// subdomains.
type domainSet map[string]bool

func newDomainSet(domains []string) domainSet {
	s := domainSet{}
	for _, x := range domains {
		x = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(x), "www."))
		if x != "" {
			s[x] = true
		}
	}
	return s
}

func (s domainSet) has(host string) bool {
	for h := host; h != ""; {
		if s[h] {
			return true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return false
		}
		h = h[i+1:]
	}
	return false
}

// brand is a protected domain: the marketplace's own or a brand that
// phishers imitate.
type brand struct {
	domain, label string
}

// verdict is what the phishing rules say about one link.
type verdict struct {
	phishing, shortener bool
	reason, threshold   string
}

// judge applies the link rules, strongest first: allow list; block list;
// IP-literal host; shortener (its own code, not phishing by itself: where
// it leads is unknown until a service resolves it); a host that imitates
// a protected brand (its name on another domain, embedded with other
// words as in "paypal-secure-login.com", within edit distance 1 of its
// label with transpositions counting one, "paypa1" and "rn" read as
// "paypal" and "m", look-alike letters or punycode); then weak signals
// that need a credential or payment word in the path as well (edit
// distance 2, or a brand name in the path of an unknown site); and a
// host mixing Latin with Cyrillic or Greek letters.
func (d *Detector) judge(u urlHit) verdict {
	host := strings.TrimPrefix(u.host, "www.")
	skeleton := d.skeleton(host)
	switch {
	case d.allowed.has(host):
		return verdict{}
	case d.blocked.has(host) || d.blocked.has(skeleton):
		return verdict{phishing: true, reason: "the domain is on the block list"}
	case net.ParseIP(host) != nil || strings.HasPrefix(host, "["):
		return verdict{phishing: true, reason: "the link points at a bare IP address, not a domain"}
	case d.shorteners.has(host):
		return verdict{shortener: true, reason: "URL shortener: the destination is hidden"}
	}
	if reason, threshold, strong := d.imitation(host, skeleton); reason != "" {
		if strong || d.credentialRe.MatchString(u.path) {
			return verdict{phishing: true, reason: reason, threshold: threshold}
		}
	}
	if d.credentialRe.MatchString(u.path) {
		for _, b := range d.protected {
			if containsToken(u.path, b.label) {
				return verdict{phishing: true, reason: fmt.Sprintf("the path names %s and asks for credentials or payment on another site", b.domain)}
			}
		}
	}
	if mixedScript(host) {
		return verdict{phishing: true, reason: "the host mixes Latin with Cyrillic or Greek letters"}
	}
	return verdict{}
}

// imitation checks host (and its skeleton: punycode decoded, look-alike
// letters folded) against the protected brands. Brand labels shorter than
// four letters ("dhl", "ups") count only exactly or embedded, since most
// three-letter strings are one edit from them; labels under six letters
// allow one edit, longer ones two. strong is false for the weak signal
// (an edit distance of 2) that needs a credential word as well.
func (d *Detector) imitation(host, skeleton string) (reason, threshold string, strong bool) {
	regDomain, raw := d.registrable(skeleton)
	spoofed := skeleton != host
	label := visual(raw)
	for _, b := range d.protected {
		if regDomain == b.domain {
			if spoofed {
				return fmt.Sprintf("look-alike letters imitate %s", b.domain), "", true
			}
			continue // a subdomain of the brand itself
		}
		if label == b.label {
			if raw != label {
				return fmt.Sprintf("look-alike of %s", b.domain), fmt.Sprintf("%q reads as %q", raw, b.label), true
			}
			return fmt.Sprintf("%s's name on another domain", b.domain), "", true
		}
		for _, l := range strings.Split(visual(strings.TrimSuffix(skeleton, "."+tldOf(skeleton))), ".") {
			if containsToken(l, b.label) || (len(b.label) >= 5 && strings.Contains(l, b.label) && d.credentialRe.MatchString(strings.Replace(l, b.label, " ", 1))) {
				return fmt.Sprintf("%s's name embedded in another domain", b.domain), "", true
			}
		}
		limit := 2
		if len(b.label) < 6 {
			limit = 1
		}
		if len(b.label) < 4 {
			continue // "dhl" is one letter from "dpl", "dhx" …: only exact or embedded names count
		}
		if dist := editDistance(label, b.label); dist <= limit {
			threshold = fmt.Sprintf("edit distance %d ≤ %d to %s", dist, limit, b.label)
			return fmt.Sprintf("look-alike of %s", b.domain), threshold, dist <= 1 || spoofed
		}
	}
	return "", "", false
}

func tldOf(host string) string { return host[strings.LastIndexByte(host, '.')+1:] }

// containsToken reports whether s contains word as a whole token, tokens
// being separated by anything but letters ("paypal-secure", "/paypal/").
func containsToken(s, word string) bool {
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if t == word {
			return true
		}
	}
	return false
}

// visual undoes ASCII look-alikes that edit distance overrates: "rn" for
// "m", "vv" for "w", "0" for "o", "1" and "I" for "l".
func visual(label string) string {
	return strings.NewReplacer("rn", "m", "vv", "w", "0", "o", "1", "l", "3", "e", "5", "s").Replace(label)
}

// skeleton decodes punycode labels and folds look-alike letters to ASCII.
func (d *Detector) skeleton(host string) string {
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if strings.HasPrefix(l, "xn--") {
			if u, err := punyDecode(l[4:]); err == nil {
				l = u
			}
		}
		var buf []byte
		for _, r := range l {
			buf = d.nz.foldRune(buf, r)
		}
		labels[i] = string(buf)
	}
	return strings.Join(labels, ".")
}

// mixedScript reports whether a label of host, after punycode decoding,
// mixes Latin letters with Cyrillic or Greek ones: the classic homograph.
func mixedScript(host string) bool {
	for _, l := range strings.Split(host, ".") {
		if strings.HasPrefix(l, "xn--") {
			if u, err := punyDecode(l[4:]); err == nil {
				l = u
			}
		}
		latin, other := false, false
		for _, r := range l {
			switch {
			case unicode.Is(unicode.Latin, r):
				latin = true
			case unicode.Is(unicode.Cyrillic, r) || unicode.Is(unicode.Greek, r):
				other = true
			}
		}
		if latin && other {
			return true
		}
	}
	return false
}

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours ("kleinmrakt")
// cost one each.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// punyDecode decodes a punycode label without its "xn--" prefix (RFC
// 3492, section 6.2).
func punyDecode(s string) (string, error) {
	const (
		base, tMin, tMax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	var out []rune
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		out = []rune(s[:i])
		s = s[i+1:]
	}
	n, bias, i := rune(initialN), initialBias, 0
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > ((base-tMin)*tMax)/2 {
			delta /= base - tMin
			k += base
		}
		return k + (base-tMin+1)*delta/(delta+skew)
	}
	for pos := 0; pos < len(s); {
		oldi, w := i, 1
		for k := base; ; k += base {
			if pos >= len(s) {
				return "", fmt.Errorf("punycode: truncated")
			}
			c := s[pos]
			pos++
			var digit int
			switch {
			case c >= 'a' && c <= 'z':
				digit = int(c - 'a')
			case c >= '0' && c <= '9':
				digit = int(c-'0') + 26
			default:
				return "", fmt.Errorf("punycode: bad digit %q", c)
			}
			// RFC 3492 keeps i and w within 32 bits: checked before
			// they could overflow, so i never wraps negative.
			if digit > (math.MaxInt32-i)/w {
				return "", fmt.Errorf("punycode: overflow")
			}
			i += digit * w
			t := min(max(k-bias, tMin), tMax)
			if digit < t {
				break
			}
			if w > math.MaxInt32/(base-t) {
				return "", fmt.Errorf("punycode: overflow")
			}
			w *= base - t
		}
		bias = adapt(i-oldi, len(out)+1, oldi == 0)
		if i/(len(out)+1) > unicode.MaxRune-int(n) {
			return "", fmt.Errorf("punycode: bad code point")
		}
		n += rune(i / (len(out) + 1))
		i %= len(out) + 1
		out = append(out[:i], append([]rune{n}, out[i:]...)...)
		i++
	}
	return string(out), nil
}

// credentialWords are path words that ask for a login or a payment.
const credentialWords = `verify|verification|login|log-in|signin|sign-in|secure|security|payment|confirm|account|update|password|wallet|unlock|refund|` +
	`bestaetigen|bestätigen|verifizieren|anmelden|zahlung|konto|sicherheit|passwort|` +
	`paiement|connexion|verifier|vérifier|confirmer|compte|pagamento|verifica|accedi|conferma|betaling|inloggen|bevestigen|rekening|` +
	`checkout|billing|invoice|kaufen|delivery|versand|tracking`

func credentialRegexp() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[^\p{L}])(?:` + credentialWords + `)`)
}
