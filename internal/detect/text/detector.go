// Package text owns Vigil's text detectors: the normalisation they share
// (NFKC, case folding, homoglyphs, leetspeak, spaced-out and spelled-out
// characters, "at"/"dot" spellings, with a byte map back to the original)
// and the detectors that run on one text field of a listing, message or
// review — contact details (phones, emails, links, messenger handles),
// phishing links and URL shorteners, scam scripts, prohibited words and
// profanity. It is pure: no I/O, and a Detector never changes after New,
// so one may serve many goroutines. Every finding points at the original
// text with its span (R-L2, R-L5, R-M1, R-M3, R-V1).
package text

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"mvdan.cc/xurls/v2"

	"github.com/vigil-ts/vigil/internal/detect"
)

// Finding codes of the text detectors.
const (
	CodePhone      = "contact.phone"
	CodeEmail      = "contact.email"
	CodeURL        = "contact.url"
	CodeHandle     = "contact.handle"
	CodePhishing   = "link.phishing"
	CodeShortener  = "link.shortener"
	CodeScam       = "scam.script"
	CodeProhibited = "text.prohibited"
	CodeProfanity  = "text.profanity"
)

// Detector families, for Config.Skip.
const (
	FamilyContact    = "contact"    // contact.phone, contact.email, contact.url, contact.handle
	FamilyLink       = "link"       // link.phishing, link.shortener
	FamilyScam       = "scam"       // scam.script
	FamilyProhibited = "prohibited" // text.prohibited
	FamilyProfanity  = "profanity"  // text.profanity
)

// DefaultMask replaces masked text when Config.MaskWith is empty.
const DefaultMask = "[hidden]"

// Config is what a marketplace's policy supplies to the text detectors.
type Config struct {
	// Regions are the ISO 3166 regions tried, in order, for phone numbers
	// written without a country code.
	Regions []string
	// BlockedDomains always yield link.phishing (and their subdomains).
	BlockedDomains []string
	// AllowedDomains never yield link.phishing.
	AllowedDomains []string
	// ProtectedDomains are imitated by phishers: the marketplace's own
	// domain and brands such as paypal.com. They are allowed themselves;
	// look-alikes of them are phishing.
	ProtectedDomains []string
	// Shorteners are URL-shortener domains: link.shortener.
	Shorteners []string
	// Blocklist are prohibited words and phrases: text.prohibited. A
	// trailing "*" matches any word ending.
	Blocklist []string
	// Profanity are insults and swear words: text.profanity. Same syntax.
	Profanity []string
	// MaskWith replaces masked spans (Detector.Mask); DefaultMask if empty.
	MaskWith string
	// Skip names detector families that do not run (Family* constants).
	Skip []string
}

// DefaultConfig returns the built-in lists: western European phone
// regions, common shorteners, brands that phishers imitate on European
// marketplaces, a multilingual blocklist (weapons, drugs, counterfeits,
// forged documents) and a multilingual profanity list. A policy adds its
// own domain to ProtectedDomains.
func DefaultConfig() Config {
	return Config{
		Regions: []string{"DE", "NL", "FR", "IT", "AT", "BE", "ES", "GB", "CH", "PL"},
		ProtectedDomains: []string{
			"kleinmarkt.example", "paypal.com", "paypal.de", "paypal.me", "dhl.de", "dhl.com", "ebay.com", "ebay.de",
			"amazon.com", "amazon.de", "kleinanzeigen.de", "marktplaats.nl", "leboncoin.fr", "subito.it", "vinted.com",
			"postnl.nl", "laposte.fr", "poste.it", "dpd.com", "ups.com", "hermes.de", "sparkasse.de", "ing.com", "revolut.com",
		},
		AllowedDomains: []string{
			"dhl.nl", "dhl.fr", "dhl.it", "ebay.fr", "ebay.it", "ebay.nl", "amazon.fr", "amazon.it", "amazon.nl", "amazon.es",
			"vinted.de", "vinted.fr", "vinted.it", "vinted.nl", "paypal.fr", "paypal.it", "paypal.nl", "ing.de", "ing.nl",
			"youtube.com", "google.com", "wikipedia.org",
		},
		Shorteners: []string{
			"bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly", "shorturl.at",
			"tiny.cc", "rb.gy", "t.ly", "s.id", "v.gd", "bl.ink", "short.io", "lnkd.in", "x.gd", "urlz.fr",
		},
		Blocklist: []string{
			// weapons
			"weapon*", "waffe", "waffen", "schusswaffe*", "firearm*", "handgun*", "arme à feu", "armes à feu", "arma da fuoco",
			"armi da fuoco", "vuurwapen*", "ammunition", "munition", "ammo", "taser", "schlagring", "brass knuckles",
			"butterflymesser", "butterfly knife", "glock", "kalashnikov", "ak-47", "ar-15", "sawn-off", "schalldämpfer für pistole",
			// drugs
			"cocaine", "kokain", "cocaïne", "cocaina", "heroin*", "mdma", "ecstasy", "crystal meth", "methamphetamin*", "ketamin*",
			"lsd", "marihuana", "marijuana", "fentanyl", "oxycodon*", "xanax", "viagra", "cialis",
			// counterfeits and forged documents
			"replica", "replika", "1:1 copy", "1:1 kopie", "1:1 replica", "1:1 rep*", "rep 1:1", "fake id", "fake ids", "fake passport",
			"falscher ausweis", "gefälschte*", "gefälscht", "counterfeit", "contrefaçon", "contrefait*", "contraffatt*",
			"namaak", "faux papiers", "faux passeport", "hehlerware",
		},
		Profanity: []string{
			// en
			"fuck*", "shit", "shitty", "bullshit", "asshole*", "bastard*", "bitch*", "idiot", "idiots", "moron*", "dickhead*",
			"cunt*", "wanker*", "retard*", "scumbag*", "piece of shit", "go to hell", "kill yourself", "liar", "clown",
			// de
			"scheiss*", "arschloch*", "wichser*", "vollidiot*", "idioten", "hurensohn*", "fotze*", "missgeburt*", "spast",
			"spasti", "arsch", "penner", "drecksau", "dreckskerl*", "trottel", "fahr zur hölle", "verrecke*", "lügner*",
			// fr
			"merde*", "connard*", "connasse*", "salope*", "putain*", "enculé*", "abruti*", "fils de pute", "crétin*",
			"va te faire foutre", "menteur", "menteuse",
			// it
			"cazzo*", "stronz*", "vaffanculo*", "coglion*", "puttan*", "merda*", "figlio di puttana", "idiota", "crepa", "bugiard*",
			// nl
			"klootzak*", "godverdomme", "tering*", "hoer", "hoeren", "kankerlijer*", "mongool*", "sukkel*", "lul", "leugenaar*",
			// es, pl
			"mierda*", "gilipollas", "cabrón*", "puta", "putas", "imbécil*", "mentiros*", "kurwa*", "chuj*", "pierdol*", "spierdalaj",
		},
	}
}

// Detector runs the text detectors. Build it with New; it is read-only
// afterwards and safe for concurrent use.
type Detector struct {
	cfg          Config
	skip         map[string]bool
	nz           *normaliser
	phones       *phoneFinder
	emailRe      *regexp.Regexp
	handles      *handleFinder
	scams        *scamSet
	blocklist    *termSet
	profanity    *termSet
	allowed      domainSet
	blocked      domainSet
	shorteners   domainSet
	protected    []brand
	social       map[string]string // host → network, see socialHosts
	credentialRe *regexp.Regexp
	// credentialAskRe finds requests for card or login details in text.
	credentialAskRe *regexp.Regexp
	fileTLDs        map[string]bool // TLDs that are also file extensions
	commonTLDs      map[string]bool // generic TLDs accepted on bare domains
	pseudoTLDs      map[string]bool // .example, .test …: fine in an address
	twoLevel        map[string]bool // two-level public suffixes: co.uk …
	negations       map[string]bool // words that negate a prohibited term after them
}

// New builds a Detector from cfg.
func New(cfg Config) (*Detector, error) {
	nz, err := sharedNormaliser()
	if err != nil {
		return nil, err
	}
	d := &Detector{
		cfg:          cfg,
		skip:         map[string]bool{},
		nz:           nz,
		phones:       newPhoneFinder(cfg.Regions),
		emailRe:      regexp.MustCompile(emailPattern),
		scams:        newScamSet(),
		allowed:      newDomainSet(append(slices.Clone(cfg.AllowedDomains), cfg.ProtectedDomains...)),
		blocked:      newDomainSet(cfg.BlockedDomains),
		shorteners:   newDomainSet(cfg.Shorteners),
		social:       map[string]string{},
		credentialRe: credentialRegexp(),
		credentialAskRe: regexp.MustCompile(`(?:card|karten|carte|carta|kaart)\s*(?:details|number|nummer|numéro|numero|nummer|daten|data|gegevens|dati)|` +
			`kartendaten|kreditkart\w*|credit\s*card|carte\s+bancaire|carta\s+di\s+credito|creditcard|cvv|cvc|` +
			`(?:login|log-in|anmelde|zugangs)\s*(?:details|daten|data)|passwor[dt]|mot\s+de\s+passe|wachtwoord|` +
			`bank\s*details|bankdaten|online-?banking|coordonnées\s+bancaires|\bpin\b|\btan\b`),
		fileTLDs:   setOf(strings.Fields("zip mov py sh md rs ps so cc")),
		pseudoTLDs: setOf(xurls.PseudoTLDs),
		commonTLDs: setOf(strings.Fields("com net org info biz io co app dev shop store online site xyz top club link click live " +
			"email cloud page blog tech space website fun icu vip win bid loan support help services service security " +
			"pro name mobi tel asia ltd gmbh berlin hamburg koeln wien paris amsterdam")),
		negations: setOf(strings.Fields("no not never kein keine keinen keiner nicht niemals non pas jamais niente nessun nessuna mai " +
			"geen niet nooit ni sin nunca nie without ohne sans senza zonder")),
		twoLevel: setOf(strings.Fields("co.uk org.uk ac.uk gov.uk me.uk com.au net.au org.au co.nz co.jp com.br com.tr co.za " +
			"com.cn com.mx co.in com.pl net.pl org.pl com.es com.ar com.sg com.hk co.at or.at co.il com.ua com.ru")),
	}
	for _, f := range cfg.Skip {
		switch f {
		case FamilyContact, FamilyLink, FamilyScam, FamilyProhibited, FamilyProfanity:
			d.skip[f] = true
		default:
			return nil, fmt.Errorf("text detector: unknown family %q to skip", f)
		}
	}
	if len(d.phones.regions) == 0 && !d.skip[FamilyContact] {
		return nil, fmt.Errorf("text detector: no phone regions")
	}
	for _, p := range cfg.ProtectedDomains {
		p = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(p), "www."))
		if p == "" {
			continue
		}
		dom, label := d.registrable(p)
		d.protected = append(d.protected, brand{dom, label})
	}
	for _, pair := range strings.Fields(socialHosts) {
		host, network, _ := strings.Cut(pair, ":")
		d.social[host] = network
	}
	if d.handles, err = newHandleFinder(nz); err != nil {
		return nil, err
	}
	if d.blocklist, err = compileTerms(nz, cfg.Blocklist); err != nil {
		return nil, fmt.Errorf("blocklist: %w", err)
	}
	if d.profanity, err = compileTerms(nz, cfg.Profanity); err != nil {
		return nil, fmt.Errorf("profanity list: %w", err)
	}
	return d, nil
}

// found is a finding in normalised coordinates, before it is mapped back.
type found struct {
	code                     string
	start, end               int
	value, threshold, detail string
}

// Scan runs every text detector that is not skipped on s, the text of one
// field, and returns its findings sorted by span, with overlapping
// findings of the same code merged into one.
func (d *Detector) Scan(s string, field string) []detect.Finding {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	n := d.nz.normalise(s)
	var fs []found
	if !d.skip[FamilyContact] || !d.skip[FamilyLink] {
		fs = append(fs, d.contacts(n)...)
	}
	if !d.skip[FamilyScam] {
		for _, h := range d.scams.find(n.Text) {
			sc := h.script
			detail := fmt.Sprintf("%s script: %s", sc.name, sc.detail)
			threshold := ""
			if h.weak > 0 {
				threshold = fmt.Sprintf("%d different weak signals ≥ 2", h.weak)
			}
			fs = append(fs, found{CodeScam, h.start, h.end, sc.name, threshold, detail})
		}
	}
	fs = append(fs, d.terms(n, FamilyProhibited, CodeProhibited, d.blocklist, true, "on the prohibited list")...)
	fs = append(fs, d.terms(n, FamilyProfanity, CodeProfanity, d.profanity, false, "profanity or a personal attack")...)
	return finish(n, field, fs)
}

// terms finds a word list's entries. With negatable, an entry right after
// a negation ("keine Replika", "not a replica", "pas de contrefaçon") is
// not reported: it says what the item is not. Profanity stays profanity
// after "no".
func (d *Detector) terms(n Normalised, family, code string, ts *termSet, negatable bool, why string) []found {
	if d.skip[family] {
		return nil
	}
	var out []found
	for _, h := range ts.find(n.Words) {
		if negatable && d.negated(n.Words[:h.start]) {
			continue
		}
		out = append(out, found{code, h.start, h.end, h.term, "", fmt.Sprintf("%q is %s", h.term, why)})
	}
	return out
}

// negated reports whether one of the last two words of before, in the
// same clause, is a negation.
func (d *Detector) negated(before string) bool {
	if i := strings.LastIndexAny(before, ",.;:!?\n"); i >= 0 {
		before = before[i+1:]
	}
	words := strings.Fields(before)
	for i := len(words) - 1; i >= 0 && i >= len(words)-2; i-- {
		if d.negations[words[i]] {
			return true
		}
	}
	return false
}

// contacts finds phones, emails, links and handles, and judges links.
func (d *Detector) contacts(n Normalised) []found {
	var out []found
	contact := !d.skip[FamilyContact]
	emails := d.emails(n)
	urls := d.urls(n, emails)
	if contact {
		for _, p := range d.phones.find(n.Text) {
			if !overlapsAny(p.start, p.end, addressesOf(urls)) { // "http://185.23.44.10/…" is no phone
				out = append(out, found{CodePhone, p.start, p.end, p.e164, "", "phone number valid in " + p.region})
			}
		}
		for _, e := range emails {
			out = append(out, found{CodeEmail, e.start, e.end, e.value, "", "email address"})
		}
		for _, h := range d.handles.find(n) {
			out = append(out, found{CodeHandle, h.start, h.end, h.value, "", "messenger or social-network handle offered as a contact"})
		}
	}
	for _, u := range urls {
		if contact {
			out = append(out, found{CodeURL, u.start, u.end, u.value, "", "link to " + u.host})
			if net, ok := d.socialHandle(u); ok {
				out = append(out, found{CodeHandle, u.start, u.end, net, "", "link to a " + strings.Split(net, ":")[0] + " account"})
			}
		}
		if d.skip[FamilyLink] {
			continue
		}
		v := d.judge(u)
		if v.shortener {
			out = append(out, found{CodeShortener, u.start, u.end, u.value, "", v.reason})
			// A hidden destination is not phishing by itself; next to a
			// request for card or login details it is.
			if near := n.Text[max(0, u.start-100):min(len(n.Text), u.end+100)]; d.credentialAskRe.MatchString(near) {
				v = verdict{phishing: true, reason: "shortened link next to a request for card or login details"}
			}
		}
		if v.phishing {
			out = append(out, found{CodePhishing, u.start, u.end, u.host, v.threshold, v.reason})
		}
	}
	return out
}

func addressesOf(us []urlHit) []address {
	out := make([]address, len(us))
	for i, u := range us {
		out[i] = u.address
	}
	return out
}

// socialHandle reports the handle behind a wa.me, t.me, instagram.com/…
// link.
func (d *Detector) socialHandle(u urlHit) (string, bool) {
	host := strings.TrimPrefix(u.host, "www.")
	net, ok := d.social[host]
	first := strings.Split(strings.Trim(u.path, "/"), "/")[0]
	if !ok || first == "" || strings.Contains(first, "?") {
		return "", false
	}
	return net + ":" + strings.TrimPrefix(first, "@"), true
}

// finish maps findings to the original text, sorts them and merges
// overlapping ones of the same code.
func finish(n Normalised, field string, fs []found) []detect.Finding {
	out := make([]detect.Finding, 0, len(fs))
	for _, f := range fs {
		sp := n.Span(f.start, f.end)
		if sp.End <= sp.Start {
			continue
		}
		out = append(out, detect.Finding{
			Code: f.code, Field: field, Span: &sp, Value: f.value, Threshold: f.threshold, Detail: f.detail,
		})
	}
	slices.SortStableFunc(out, func(a, b detect.Finding) int {
		if a.Span.Start != b.Span.Start {
			return a.Span.Start - b.Span.Start
		}
		if a.Span.End != b.Span.End {
			return b.Span.End - a.Span.End
		}
		return strings.Compare(a.Code, b.Code)
	})
	merged := out[:0]
	last := map[string]int{} // code → index in merged of its latest finding
	for _, f := range out {
		if i, ok := last[f.Code]; ok && f.Span.Start < merged[i].Span.End {
			merged[i].Span.End = max(merged[i].Span.End, f.Span.End)
			continue
		}
		last[f.Code] = len(merged)
		merged = append(merged, f)
	}
	for i := range merged {
		merged[i].Match = n.orig[merged[i].Span.Start:merged[i].Span.End]
	}
	return merged
}

// Codes returns the distinct finding codes of s, sorted, for the
// evaluation harness. check ("listing", "message", "review") picks the
// field name; profanity counts only for reviews, where R-V1 filters it.
func Codes(d *Detector, check, s string) []string {
	field := "text"
	if check == "listing" {
		field = "description"
	}
	var codes []string
	for _, f := range d.Scan(s, field) {
		if f.Code == CodeProfanity && check != "review" {
			continue
		}
		if !slices.Contains(codes, f.Code) {
			codes = append(codes, f.Code)
		}
	}
	slices.Sort(codes)
	return codes
}

// Mask replaces the spans of the findings with one of codes (all findings
// when no code is given) by DefaultMask, leaving the rest of s
// byte-identical. Overlapping spans are masked once.
func Mask(s string, fs []detect.Finding, codes ...string) string {
	return maskWith(s, DefaultMask, fs, codes)
}

// Mask is the package Mask with Config.MaskWith.
func (d *Detector) Mask(s string, fs []detect.Finding, codes ...string) string {
	with := d.cfg.MaskWith
	if with == "" {
		with = DefaultMask
	}
	return maskWith(s, with, fs, codes)
}

func maskWith(s, with string, fs []detect.Finding, codes []string) string {
	var spans []detect.Span
	for _, f := range fs {
		if f.Span == nil || f.Span.Start < 0 || f.Span.End > len(s) || f.Span.Start >= f.Span.End {
			continue
		}
		if len(codes) == 0 || slices.Contains(codes, f.Code) {
			spans = append(spans, *f.Span)
		}
	}
	slices.SortFunc(spans, func(a, b detect.Span) int { return a.Start - b.Start })
	var b strings.Builder
	pos := 0
	for i := 0; i < len(spans); {
		start, end := spans[i].Start, spans[i].End
		for i++; i < len(spans) && spans[i].Start <= end; i++ {
			end = max(end, spans[i].End)
		}
		b.WriteString(s[pos:start])
		b.WriteString(with)
		pos = end
	}
	b.WriteString(s[pos:])
	return b.String()
}
