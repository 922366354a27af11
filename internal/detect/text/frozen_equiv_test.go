package text

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/eval"
)

// TestFrozenEquivalence requires Scan to find exactly what frozenScan, the
// detector before the word-start prefilter, finds — codes, spans,
// matches, values, thresholds and details — on the package's texts, the
// fuzz seed corpus, the labelled evaluation set and random variants of
// them (edits, casing, punctuation, look-alike and invalid characters,
// inserted scam phrases and listed words, long words across the match
// window), with the default lists and with extra ones.
func TestFrozenEquivalence(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Blocklist = append(cfg.Blocklist, "gun* for sale", "Schwarzpulver", "a*", "zz* \ufffd", "1:1")
	cfg.Profanity = append(cfg.Profanity, "ü*", "x")
	skip := DefaultConfig()
	skip.Skip = []string{FamilyContact}
	detectors := []*Detector{newTestDetector(t), newDetector(t, cfg), newDetector(t, skip)}

	base := equivalenceCorpus(t)
	texts := slices.Clone(base)
	r := rand.New(rand.NewPCG(1, 2))
	perText := 6
	if testing.Short() {
		perText = 1
	}
	for _, s := range base {
		for range perText {
			texts = append(texts, mutate(r, s, base))
		}
	}
	t.Logf("%d texts (%d base)", len(texts), len(base))
	for i, s := range texts {
		if i%raceStride != 0 {
			continue
		}
		d := detectors[i%len(detectors)]
		if i < len(base) {
			d = detectors[0] // every base text with the default lists
		}
		checkFrozen(t, d, s)
	}
}

// FuzzScanFrozen requires Scan and frozenScan to agree on any text.
func FuzzScanFrozen(f *testing.F) {
	for _, s := range append(slices.Clone(fuzzTexts), benchDirty...) {
		f.Add(s)
	}
	d := newTestDetector(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		checkFrozen(t, d, s)
	})
}

func checkFrozen(t *testing.T, d *Detector, s string) {
	t.Helper()
	n, fn := d.nz.normalise(s), frozenNormalise(d.nz, s)
	if n.Text != fn.Text || n.Words != fn.Words || !slices.Equal(n.lo, fn.lo) || !slices.Equal(n.hi, fn.hi) {
		t.Fatalf("%q: normalised to %q, frozen %q", s, n.Text, fn.Text)
	}
	got, want := d.Scan(s, "text"), frozenScan(d, s, "text")
	if !slices.EqualFunc(got, want, sameFinding) {
		t.Fatalf("%q:\nScan       %s\nfrozenScan %s", s, describeFull(got), describeFull(want))
	}
}

func describeFull(fs []detect.Finding) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.Code+" "+strconv.Quote(f.Match)+" "+strconv.Itoa(f.Span.Start)+"-"+strconv.Itoa(f.Span.End)+
			" "+f.Value+" | "+f.Threshold+" | "+f.Detail)
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func newDetector(t *testing.T, cfg Config) *Detector {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// equivalenceCorpus returns the package's texts: tests, benchmarks, the
// fuzz seed corpus and the labelled evaluation set.
func equivalenceCorpus(t *testing.T) []string {
	t.Helper()
	texts := slices.Concat(fuzzTexts, benchClean, benchDirty, scamPhrases)
	seeds, err := filepath.Glob("testdata/fuzz/*/*")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no fuzz seeds: %v", err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if q, ok := strings.CutPrefix(line, "string("); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				texts = append(texts, s)
			}
		}
	}
	paths, err := filepath.Glob("../../../testdata/eval/*.jsonl")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no labelled files: %v", err)
	}
	examples, err := eval.LoadFiles(paths...)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		texts = append(texts, ex.Text)
	}
	return texts
}

// scamPhrases are phrases of every kind the detectors find, inserted into
// other texts by mutate.
var scamPhrases = []string{
	"Ich zahle per Western Union", "PayPal friends & family only", "paga con PayPal amici e parenti", "can you pay with an Amazon gift card?",
	"betaal met bitcoin aub", "Überweisung direkt an mich, nicht über die Plattform", "Ik betaal via Tikkie buiten de app om",
	"Bitte per Überweisung, IBAN schicke ich dir", "Ich zahle direkt bei Abholung in bar", "today only, pay now", "nur heute!",
	"beaucoup d'autres acheteurs sont intéressés", "pay within 2 hours", "sonst verkaufe ich an jemand anderen", "dringend, bitte sofort antworten",
	"Kaution vor der Besichtigung überweisen", "caparra prima della visita", "Airbnb will send you the keys", "I'm abroad, send the deposit first",
	"les clés par la poste après la caution", "my shipping agent will handle it", "DHL will collect the item from you tomorrow",
	"DHL holt das Paket bei dir ab", "please pay the courier", "il mio corriere passerà domani", "ohne Käuferschutz", "versand nach zahlung",
	"Selling v 1 a g r a cheap", "wеapon parts", "W-E-A-P-O-N-S", "need a FAKE-ID?", "Kokain-Waage", "guns for sale", "ｃｏｃａｉｎｅ", "Crystal-Meth",
	"keine Replika, Original", "What a f u c k i n g joke", "Total sh1t", "Du bist ein ARSCHLOCH", "vendeur de merde", "no fucking way",
	"Ruf an: 0151 23456789", "schreib an max.mustermann@gmail.com!", "telegram: @john_doe", "insta: jdoe", "add me on snap", "bit.ly/AbC",
	"reach me: name at gmail dot com", "Kontakt gerne per WhatsApp", "347-1234567 anche WhatsApp", "my insta is jdoe", "wa.me/491512345678",
}

// mutate returns a random variant of s: one to four edits.
func mutate(r *rand.Rand, s string, corpus []string) string {
	for range 1 + r.IntN(4) {
		switch r.IntN(11) {
		case 0: // casing
			switch r.IntN(3) {
			case 0:
				s = strings.ToUpper(s)
			case 1:
				s = strings.ToLower(s)
			default:
				b := []rune(s)
				for i := range b {
					if r.IntN(3) == 0 {
						b[i] = unicode.ToUpper(b[i])
					}
				}
				s = string(b)
			}
		case 1: // punctuation
			marks := ".,!?\n:;-/@()'\"&+*_ "
			s = insertAt(r, s, string(marks[r.IntN(len(marks))]), false)
		case 2: // delete a character
			if i := runeIndex(r, s); i < len(s) {
				_, size := utf8.DecodeRuneInString(s[i:])
				s = s[:i] + s[i+size:]
			}
		case 3: // look-alike, invisible, combining, wide and broken characters
			odd := []string{"а", "е", "о", "р", "ｗ", "\u200b", "\u00ad", "\u0336", "ß", "İ", "é", "e\u0301", "ü", "😀", "\ufffd",
				"\xff", "\xc3", "ǅ", "ﬁ", "①", "½", "\u00a0", "\t", "０", "@", "$", "1", "3", "0"}
			s = insertAt(r, s, odd[r.IntN(len(odd))], r.IntN(8) == 0)
		case 4: // a phrase something finds
			p := scamPhrases[r.IntN(len(scamPhrases))]
			if r.IntN(2) == 0 {
				p = " " + p + " "
			}
			s = insertAt(r, s, p, false)
		case 5: // a repeated piece
			i, j := runeIndex(r, s), runeIndex(r, s)
			i, j = min(i, j), max(i, j)
			s = s[:j] + s[i:j] + s[j:]
		case 6: // two texts spliced
			o := corpus[r.IntN(len(corpus))]
			s = s[:runeIndex(r, s)] + o[runeIndex(r, o):]
		case 7: // a long word, so matches reach the end of the window
			long := []string{strings.Repeat("ü", 150), strings.Repeat("a", 290), "zz" + strings.Repeat("ä", 148) + " \ufffd",
				"zz" + strings.Repeat("a", 295) + " ü", strings.Repeat("fuck", 80), strings.Repeat("dringend ", 40)}
			s = insertAt(r, s, long[r.IntN(len(long))], false)
		case 8: // leetspeak
			s = strings.NewReplacer([]string{"a", "4", "e", "3", "i", "1", "o", "0", "s", "$", "l", "|"}[2*r.IntN(6):][:2]...).Replace(s)
		case 9: // a word spaced out
			words := strings.Fields(s)
			if len(words) > 0 {
				w := words[r.IntN(len(words))]
				s = strings.Replace(s, w, strings.Join(strings.Split(w, ""), []string{" ", ".", "-", " . "}[r.IntN(4)]), 1)
			}
		default: // blanks and line breaks
			s = strings.NewReplacer([]string{" ", "  ", ". ", ".\n", ", ", " , ", " ", "\t"}[2*r.IntN(4):][:2]...).Replace(s)
		}
	}
	return s
}

// runeIndex returns a random character boundary of s, or len(s).
func runeIndex(r *rand.Rand, s string) int {
	i := r.IntN(len(s) + 1)
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}

// insertAt inserts x into s at a random character boundary, or with raw
// at any byte, which may split a character.
func insertAt(r *rand.Rand, s, x string, raw bool) string {
	i := r.IntN(len(s) + 1)
	if !raw {
		i = runeIndex(r, s)
	}
	return s[:i] + x + s[i:]
}

// TestWordSetFrozen runs expressions with every kind of syntax through a
// wordSet and through the frozen rune-by-rune matcher, which tries each
// at every word start: the prefilter must never lose a match.
func TestWordSetFrozen(t *testing.T) {
	exprs := []string{
		`^(?:a|b)`, `^.`, `^(?i)western\s*union`, `^(?:x*)`, `^\b`, `^(?:\x{FFFD})`, `^[^a-z]+`, `^(?:zz[\p{L}\p{N}]*[\s\-_.]*\x{FFFD})`,
		`^(?:ü+|é)`, `^(?:[il]d[il]ot)`, `^(?:\d{2,}[ -]?\d+)`, `^(?:aa|aaa|aaaa)`, `^(?:(?:abc){0,3}x)`, `^(?:a{0}b)`, `^(?:$)`,
		`^(?:ab|)`, `^(?:(?i)straße|ǅ)`, `^(?:[a-e]{2}[^\n]{0,5}?[0-9])`, `^(?:\pL{3})`, `^(?:[\x{FFFD}-\x{FFFF}]a)`, `^(?:a+b+c+)`,
		`^(?:(?:a|b)(?:c|d)(?:e|f)(?:g|h)(?:i|j)(?:k|l)(?:m|n)(?:o|p)(?:q|r)(?:s|t)(?:u|v)(?:w|x)(?:y|z))`, `^(?:\s*pay)`, `^(?:$|a)`,
	}
	var res []*regexp.Regexp
	for _, e := range exprs {
		res = append(res, regexp.MustCompile(e))
	}
	d := newTestDetector(t)
	for _, sc := range d.scams.scripts {
		res = append(res, sc.strong, sc.weak)
		if sc.except != nil {
			res = append(res, sc.except) // not anchored: tried everywhere
		}
	}
	res = append(res, d.blocklist.re, d.profanity.re, d.handles.kw.re)
	var longest []*regexp.Regexp
	for _, re := range res {
		l := regexp.MustCompile(re.String())
		l.Longest()
		longest = append(longest, l)
	}
	sets := []*wordSet{newWordSet(false, res...), newWordSet(true, longest...)}
	base := equivalenceCorpus(t)
	r := rand.New(rand.NewPCG(3, 4))
	texts := slices.Clone(base)
	for _, s := range base {
		texts = append(texts, mutate(r, s, base), d.nz.normalise(s).Text, d.nz.normalise(s).Words)
	}
	texts = append(texts, "zz"+strings.Repeat("a", 295)+" ü", "zz"+strings.Repeat("a", 295)+" übar", "\xff\xfeab \xc3a", strings.Repeat("é", 200)+"\xc3")
	for j, s := range texts {
		if j%raceStride != 0 {
			continue
		}
		for i, ws := range sets {
			got := ws.find(s)
			for k, re := range ws.res {
				if want := frozenWordMatches(re, s); !slices.Equal(got[k], want) {
					t.Fatalf("%q (longest %v) on %q: wordSet %v, frozen %v", re, i == 1, s, got[k], want)
				}
			}
		}
	}
}

// TestAlternatives checks how expressions split into units and the
// prefixes derived for each: "$" marks an exact prefix, the whole match.
func TestAlternatives(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want [][]string // per unit
	}{
		{`^(?:west\s*un|pay\w*)`, [][]string{{"west\t", "west\n", "west\f", "west\r", "west ", "westun$"}, {"pay"}}},
		{`^(?:(?:pay|send) me|friends|x+)`, [][]string{{"pay me$", "send me$"}, {"friends$"}, {"x$", "xx"}}},
		{`^(?:[il]d)`, [][]string{{"id$", "ld$"}}},
		{`^(?:ab|a)`, [][]string{{"ab$"}, {"a$"}}},
		{`^(?:a(?:b|c))`, [][]string{{"ab$", "ac$"}}},
		{`^(?:ab*)`, [][]string{{"a$", "ab"}}},
		{`^(?:a?b)`, [][]string{{"ab$", "b$"}}},
		{`^(?:abcdefghijklmnopqrstuvwxyz)`, [][]string{{"abcdefghijklmnopqrstuvwxyz"[:prefixLen]}}},
		{`^(?i:ab)`, [][]string{{"AB$", "Ab$", "aB$", "ab$"}}},
		{`^(?:x|.)`, [][]string{{"x$"}, {""}}},
		{`^(?:(?i)x|y)`, [][]string{{"X$", "Y$", "x$", "y$"}}}, // (?i) reaches y: one unit
		{`^(?:\x{FFFD}a)`, [][]string{{""}}},
		{`^(?:a|$)`, [][]string{{"a$"}, {"$"}}},
		{`(?:ab)`, [][]string{{""}}}, // not anchored
		{`^a|^b`, [][]string{{""}}},  // anchored in each alternative: not known as anchored
	} {
		var got [][]string
		for _, alt := range alternatives(regexp.MustCompile(tc.expr)) {
			var ps []string
			for _, p := range alt.prefixes {
				if p.exact {
					p.s += "$"
				}
				ps = append(ps, p.s)
			}
			slices.Sort(ps)
			got = append(got, ps)
		}
		for _, w := range tc.want {
			slices.Sort(w)
		}
		if !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("%s: prefixes %q, want %q", tc.expr, got, tc.want)
		}
	}
}

func TestSplitAlternation(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string // nil: not split
	}{
		{`a|b`, []string{"a", "b"}},
		{`(?:a|b)|c`, []string{"a", "b", "c"}},
		{`(?:(?:a|b)|c)|d`, []string{"a", "b", "c", "d"}},
		{`a(?:b|c)|d`, []string{"a(?:b|c)", "d"}},
		{`(?:a)b(?:c)|d`, []string{"(?:a)b(?:c)", "d"}},
		{`[|]|\||x`, []string{"[|]", `\|`, "x"}},
		{`[]|]|[^]|]|[[:alpha:]|]|y`, []string{"[]|]", "[^]|]", "[[:alpha:]|]", "y"}},
		{`(?i:a)|b`, []string{"(?i:a)", "b"}},
		{`(?P<x>a|b)|c`, []string{"(?P<x>a|b)", "c"}},
		{`(?i)a|b`, nil},
		{`\Qa|b\E`, nil},
		{`a)|(b`, nil},
		{`[a|b`, nil},
	} {
		got, ok := splitAlternation(tc.src)
		if !ok {
			got = nil
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("splitAlternation(%q) = %q, want %q", tc.src, got, tc.want)
		}
	}
}
