package text

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// phoneFinder extracts phone-number candidates from normalised text and
// validates them with phonenumbers, which cannot find numbers in free text
// by itself.
type phoneFinder struct {
	regions []string
	ndd     map[string]string // national (trunk) prefix per region, "0" for DE
	candRe  *regexp.Regexp
	// notPhone finds numbers that only look like phone numbers: dates,
	// times, prices, measures, order and account numbers, versions.
	notPhone []numericRule
}

// numericRule is a pattern of digits that is not a phone number; check,
// when set, confirms a match in its context.
type numericRule struct {
	re    *regexp.Regexp
	check func(s string, a, b int) bool
}

func newPhoneFinder(regions []string) *phoneFinder {
	pf := &phoneFinder{ndd: map[string]string{}}
	for _, r := range regions {
		r = strings.ToUpper(r)
		pf.regions = append(pf.regions, r)
		pf.ndd[r] = phonenumbers.GetNddPrefixForRegion(r, true)
	}
	// A candidate is digit groups, optionally "(0151)" style, with at most
	// a couple of blanks and one of . / - between them, or a spaced colon
	// ("06 : 12 34 56 78"; "18:30" is a time).
	group := `(?:\(\d{1,5}\)|\d+)`
	pf.candRe = regexp.MustCompile(`\+?[ \t]?` + group + `(?:(?:[ \t]{0,2}[./\-]?[ \t]{0,2}|[ \t]+:[ \t]+)` + group + `)*`)
	unit := `(?:km|kms|cm|mm|m|m2|m²|qm|kg|g|mg|l|ml|ps|hp|kw|w|v|mah|gb|tb|mb|ghz|mhz|hz|zoll|inch|"|%|x|stk|stück|pcs|` +
		`jahre|years|ans|anni|jaar|tage|days|jours|giorni|dagen|monate|months|mois|mesi|maanden|uhr|h|am|pm)`
	money := `(?:€|eur|euro|euros|chf|£|\$|usd|gbp|pln|zł|sek|dkk|nok|,-|\.-|vb)`
	amount := `(?:\d{1,3}(?:[ .']\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)`
	keyed := `(?:bestell|auftrag|rechnung|artikel|sendung|kunden|vorgang|serien|referenz|tracking|order|commande|ordine|bestelling|` +
		`factuur|fattura|facture|invoice|item|sku|ref|ticket|imei|iban|plz|postcode|postleitzahl|art|lot|modell|model|typ|type)`
	rule := func(p string, check func(s string, a, b int) bool) numericRule {
		return numericRule{regexp.MustCompile(p), check}
	}
	pf.notPhone = []numericRule{
		// 12.03.2024, 12/03/24, 2024-03-12, 12.03. – but not the first
		// groups of 06.12.34.56.78
		rule(`\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./]\d{1,2}\b\.?`, standsAlone),
		rule(strings.Join([]string{
			// 18:30, 18h30
			`\b\d{1,2}[:h]\d{2}\b`,
			// prices: 450 €, 1.250,00 EUR, € 1 250, EUR 99
			`\b` + amount + `[ \t]*` + money + `|` + money + `[ \t]*` + amount + `\b`,
			// measures, mileage, durations: 85.000 km, 180x200 cm, 3 jahre
			`\b\d+(?:[.,]\d+)*[ \t]*` + unit + `(?:\b|$)|\b\d+(?:[.,]\d+)?[ \t]*[x×*][ \t]*\d+(?:[.,]\d+)?(?:[ \t]*[x×*][ \t]*\d+(?:[.,]\d+)?)?`,
			// order, invoice, tracking, serial numbers: "Bestellnummer 4711-0815", "order #123456789"
			keyed + `[\p{L}.]*[ \t]*[:.#-]?[ \t]*(?:nr|no|n°|number|nummer|numéro|numero|id)?\.?[ \t]*[:.#-]?[ \t]*[a-z]{0,3}\d[\d \-/.]*\d|#[ \t]*\d+`,
			// IBAN
			`\b[a-z]{2}\d{2}(?:[ ]?[a-z0-9]{4}){3,7}(?:[ ]?[a-z0-9]{1,3})?\b`,
			// versions and year ranges: v2.0.1, 2019-2021
			`\bv\d+(?:\.\d+)+\b|\b(?:19|20)\d{2}[ \t]*[-/][ \t]*(?:19|20)?\d{2}\b`,
		}, "|"), nil),
	}
	return pf
}

// standsAlone rejects a match that continues with more digit groups, so a
// date pattern does not swallow the start of "06.12.34.56.78".
func standsAlone(s string, a, b int) bool {
	sepDigit := func(sep, digit int) bool {
		return sep >= 0 && digit >= 0 && digit < len(s) && strings.IndexByte("./-", s[sep]) >= 0 && isDigitByte(s[digit])
	}
	return !sepDigit(b, b+1) && !sepDigit(b-1, b) && !sepDigit(a-1, a-2)
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// phone is a validated number: its byte range in the normalised text and
// its E.164 form.
type phone struct {
	start, end int
	e164       string
	region     string
}

// find returns the valid phone numbers in t. Numbers that only look like
// phone numbers are masked first; the masking rules run only in a window
// around digit runs long enough to be a phone number, because most of a
// text has none.
func (pf *phoneFinder) find(t string) []phone {
	var out []phone
	for _, loc := range pf.candidateMatches(t) {
		if countDigits(t[loc[0]:loc[1]]) < 7 {
			continue // no phone number has fewer digits
		}
		a, b := max(0, loc[0]-40), min(len(t), loc[1]+20)
		for a > 0 && !utf8.RuneStart(t[a]) {
			a--
		}
		for b < len(t) && !utf8.RuneStart(t[b]) {
			b++
		}
		masked := pf.mask(t[a:b])
		for _, c := range pf.candRe.FindAllIndex(masked, -1) {
			if ca, cb := a+c[0], a+c[1]; ca >= loc[0] && cb <= loc[1] {
				out = append(out, pf.candidates(t, ca, cb)...)
			}
		}
	}
	return out
}

// candidateMatches returns candRe's matches in t. A candidate holds only
// digits, blanks and "+()./-:", and candRe has no anchors or word
// boundaries, so it runs only on the pieces of those characters that hold
// seven digits or more: no match crosses another character, and one with
// fewer digits is no phone number.
func (pf *phoneFinder) candidateMatches(t string) [][]int {
	var out [][]int
	for p := range pieces(t, func(r rune) bool { return r < utf8.RuneSelf && strings.IndexByte("0123456789 \t+()./-:", byte(r)) >= 0 }) {
		if countDigits(t[p.start:p.end]) < 7 {
			continue
		}
		for _, loc := range pf.candRe.FindAllStringIndex(t[p.start:p.end], -1) {
			out = append(out, []int{p.start + loc[0], p.start + loc[1]})
		}
	}
	return out
}

// mask replaces the bytes of dates, prices, measures and keyed numbers in
// w by '#'.
func (pf *phoneFinder) mask(w string) []byte {
	masked := []byte(w)
	for _, r := range pf.notPhone {
		for _, loc := range r.re.FindAllStringIndex(w, -1) {
			if r.check == nil || r.check(w, loc[0], loc[1]) {
				for i := loc[0]; i < loc[1]; i++ {
					masked[i] = '#'
				}
			}
		}
	}
	return masked
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) {
			n++
		}
	}
	return n
}

// digitGroup is one digit group of a candidate.
type digitGroup struct {
	start, end int
	digits     string
}

// candidates tries windows of consecutive digit groups, longest first, so
// that "12/03 0151 2345678" still yields the number after the date.
func (pf *phoneFinder) candidates(t string, start, end int) []phone {
	plus := strings.HasPrefix(t[start:end], "+")
	var groups []digitGroup
	for i := start; i < end; {
		if !isDigitByte(t[i]) {
			i++
			continue
		}
		j := i
		for j < end && isDigitByte(t[j]) {
			j++
		}
		g := digitGroup{i, j, t[i:j]}
		if i > 0 && t[i-1] == '(' && j < len(t) && t[j] == ')' {
			g.start, g.end = i-1, j+1
		}
		groups = append(groups, g)
		i = j
	}
	// A group glued to letters belongs to a model number ("WH-1000XM4",
	// "S23"), not to a phone number.
	if len(groups) > 0 && gluedBefore(t, groups[0].start) {
		groups, plus = groups[1:], false
	}
	if len(groups) > 0 && gluedAfter(t, groups[len(groups)-1].end) {
		groups = groups[:len(groups)-1]
	}
	var out []phone
	for a := 0; a < len(groups); {
		found := false
		// No phone number has more than 15 digits (17 with "00"), which
		// also keeps long digit sequences linear.
		hi, digits := a, 0
		for hi < len(groups) && digits+len(groups[hi].digits) <= 17 {
			digits += len(groups[hi].digits)
			hi++
		}
		for b := hi; b > a; b-- {
			p, ok := pf.parse(groups[a:b], plus && a == 0)
			if ok {
				p.start, p.end = groups[a].start, groups[b-1].end
				if plus && a == 0 {
					p.start = start
				}
				out = append(out, p)
				a, found = b, true
				break
			}
		}
		if !found {
			a++
		}
	}
	return out
}

func gluedBefore(t string, i int) bool {
	if i == 0 {
		return false
	}
	c := t[i-1]
	if c == '-' && i > 1 {
		c = t[i-2]
	}
	return c >= 'a' && c <= 'z' || c >= 0x80
}

func gluedAfter(t string, i int) bool {
	return i < len(t) && (t[i] >= 'a' && t[i] <= 'z' || t[i] >= 0x80)
}

// parse validates the digits of groups as an international number (after
// "+" or "00") or as a national number of one of the regions. National
// numbers must carry the region's trunk prefix ("0151…", not "151…")
// where it has one, which keeps postcodes and counts out. When several
// regions accept the number, the first where it is a mobile number wins
// (marketplace contacts are mostly mobiles: "0612345678" is a Dutch mobile
// before it is a German landline), else the first region in order.
func (pf *phoneFinder) parse(groups []digitGroup, plus bool) (phone, bool) {
	var b strings.Builder
	for i, g := range groups {
		if plus && i > 0 && g.digits == "0" && bracketed(g) {
			continue // "+49 (0) 151 …": the trunk prefix in brackets is not dialled
		}
		b.WriteString(g.digits)
	}
	d := b.String()
	intl := plus
	if strings.HasPrefix(d, "00") {
		d, intl = d[2:], true
	}
	if len(d) < 7 || len(d) > 15 {
		return phone{}, false
	}
	if intl {
		num, err := phonenumbers.Parse("+"+d, "ZZ")
		if err != nil || !phonenumbers.IsValidNumber(num) {
			return phone{}, false
		}
		return phone{e164: phonenumbers.Format(num, phonenumbers.E164), region: phonenumbers.GetRegionCodeForNumber(num)}, true
	}
	var first *phone
	for _, r := range pf.regions {
		if ndd := pf.ndd[r]; ndd != "" && !strings.HasPrefix(d, ndd) {
			continue
		}
		num, err := phonenumbers.Parse(d, r)
		if err != nil || !phonenumbers.IsValidNumber(num) {
			continue
		}
		p := phone{e164: phonenumbers.Format(num, phonenumbers.E164), region: r}
		if phonenumbers.GetNumberType(num) == phonenumbers.MOBILE {
			return p, true
		}
		if first == nil {
			first = &p
		}
	}
	if first == nil {
		return phone{}, false
	}
	return *first, true
}

// bracketed reports whether g was written in brackets, as in "(0)".
func bracketed(g digitGroup) bool { return g.end-g.start == len(g.digits)+2 }
