package text

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/detect"
)

// fuzzTexts are listing, message and review texts with the obfuscations
// the detectors undo: seeds for every text target of the package.
var fuzzTexts = []string{
	"Schönes Fahrrad, kaum gefahren. Abholung in Berlin, 250 € VB.",
	"Ruf an: null eins fünf eins zwei drei vier fünf sechs sieben acht!",
	"WhatsApp: +49 (0) 151 2345 6789 oder 0151-23456789",
	"w h a t s a p p 0 1 5 2 3 4 5 6 7 8",
	"Mail: j o h n @ g m x . d e, danke",
	"john(at)gmx(dot)de / anna punkt schulz ät web punkt de",
	"Check раypal.com/login now, or http://paypa1-secure.com/verify?acc=1",
	"xn--pypal-4ve.com and bit.ly/AbC next to your card details",
	"telegram: @john_doe, insta: jdoe, add me on snap",
	"Kaution vorab, Schlüssel per Post. Ich bin im Ausland.",
	"Western Union only, friends & family, gift card",
	"ＷｈａｔｓＡｐｐ ＳＰＡＭ ⑰⑱ zero six one two three four five six",
	"v1agra h3ll0 w3ap0n, $h1t wh4t$app, 1:1 replica, keine Replika",
	"Fuck this, you idiot! Scheiße. Vaffanculo.",
	"e\u0301\u200bs\u00ada\u0336p\u0336p Straße İstanbul ǅ ﬁ",
	"12.03.2024 18:30, 85.000 km, Bestellnummer 4711-0815, IBAN DE89 3704 0044 0532 0130 00",
	"http://[::1]/x http://185.23.44.10/a fotos.zip Co.KG Zustand.Haus",
	"\u202etxt.exe\u202c \ufeff\u2028\u0000 \xff\xfe",
}

// FuzzNormaliseIdempotent checks the normalised text: valid UTF-8 (Text
// and Words) for valid input, Words as long as Text, normalising it again
// changes nothing (see below for capitals), and every byte range of it maps to a span of the input
// on character boundaries.
func FuzzNormaliseIdempotent(f *testing.F) {
	for _, s := range fuzzTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || len(s) > 4096 {
			return
		}
		n := Normalise(s)
		if !utf8.ValidString(n.Text) || !utf8.ValidString(n.Words) {
			t.Fatalf("Normalise(%q) = %q / %q: invalid UTF-8", s, n.Text, n.Words)
		}
		if len(n.Words) != len(n.Text) {
			t.Fatalf("Normalise(%q): Words %q and Text %q differ in length", s, n.Words, n.Text)
		}
		if n.Original() != s {
			t.Fatalf("Normalise(%q).Original() = %q", s, n.Original())
		}
		// The case of the original decides one thing ("Zustand . Haus"
		// is two sentences, "gmx . de" an address), and Text is lower
		// case: normalising is idempotent on text without capitals, which
		// includes every normalised text.
		again := Normalise(n.Text).Text
		if again != n.Text && !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsUpper(r) || unicode.IsTitle(r) }) {
			t.Fatalf("not idempotent: %q → %q → %q", s, n.Text, again)
		}
		if third := Normalise(again).Text; third != again {
			t.Fatalf("not idempotent: %q → %q → %q → %q", s, n.Text, again, third)
		}
		for i := 0; i < len(n.Text); i++ {
			for _, j := range []int{i + 1, len(n.Text)} {
				sp := n.Span(i, j)
				if sp.Start < 0 || sp.End > len(s) || sp.Start >= sp.End || !boundary(s, sp.Start) || !boundary(s, sp.End) {
					t.Fatalf("%q: Text[%d:%d] of %q maps to %+v", s, i, j, n.Text, sp)
				}
			}
		}
	})
}

// FuzzScanFindings checks every finding of the default detectors: a known
// code, the field scanned, a span inside the text on character boundaries
// holding the match, sorted by span, overlapping findings of one code
// merged; Scan is repeatable, Codes agrees with it, and Mask replaces
// exactly the spans found.
func FuzzScanFindings(f *testing.F) {
	for _, s := range fuzzTexts {
		f.Add(s)
	}
	d := newTestDetector(f)
	cfg := DefaultConfig()
	cfg.MaskWith = "\x00"
	marker, err := New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	codes := []string{CodePhone, CodeEmail, CodeURL, CodeHandle, CodePhishing, CodeShortener, CodeScam, CodeProhibited, CodeProfanity}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		fs := d.Scan(s, "text")
		checkFindingSpans(t, s, fs, codes)
		if again := d.Scan(s, "text"); !slices.EqualFunc(fs, again, sameFinding) {
			t.Fatalf("%q: Scan is not repeatable:\n%s\n%s", s, describe(fs), describe(again))
		}
		var want []string
		for _, f := range fs {
			if !slices.Contains(want, f.Code) && f.Code != CodeProfanity {
				want = append(want, f.Code)
			}
		}
		slices.Sort(want)
		if got := Codes(d, "message", s); !slices.Equal(got, want) {
			t.Fatalf("%q: Codes = %v, Scan found %v", s, got, want)
		}
		checkMask(t, marker, s, fs)
	})
}

// FuzzTerms gives a detector a fuzzed blocklist and profanity entry, as
// New compiles them: the entry is refused (only for a misplaced "*") or
// the detector's findings are well formed, the entry's matches are the
// frozen matcher's (frozen_test.go), and an entry of plain letters is
// found in a text that is that entry alone.
func FuzzTerms(f *testing.F) {
	for _, tc := range []struct{ term, text string }{
		{"weapon*", "Weapons for sale"}, {"fake id", "fake-id and fakeid"}, {"1:1 rep*", "1:1 Replika"},
		{"schalldämpfer für pistole", "SCHALLDÄMPFER FÜR PISTOLE"}, {"scheiss*", "Scheißkerl"}, {"kaution", "keine kaution"},
		{"a*b", "ab"}, {"*", "x"}, {"", ""}, {"zero one", "zero one"}, {"ﬁsh", "fish"}, {"ǆ", "dž"},
	} {
		f.Add(tc.term, tc.text)
	}
	base := newTestDetector(f)
	f.Fuzz(func(t *testing.T, term, s string) {
		if len(term) > 200 || len(s) > 2048 {
			return
		}
		// New compiles the lists so; the rest of the detector is built
		// once, which keeps the target fast.
		d := *base
		var err error
		if d.blocklist, err = compileTerms(d.nz, []string{term}); err == nil {
			d.profanity, err = compileTerms(d.nz, []string{term})
		}
		if err != nil {
			if !strings.Contains(term, "*") {
				t.Fatalf("term %q refused: %v", term, err)
			}
			return
		}
		checkFindingSpans(t, s, d.Scan(s, "text"), nil)
		if words := d.nz.normalise(s).Words; !slices.Equal(d.blocklist.find(words), frozenTermFind(d.blocklist, words)) {
			t.Fatalf("term %q in %q: found %v, the frozen matcher %v", term, s, d.blocklist.find(words), frozenTermFind(d.blocklist, words))
		}
		if plainWord(term) {
			found := false
			for _, f := range d.Scan(term, "text") {
				found = found || f.Code == CodeProhibited && f.Value == term
			}
			if !found {
				t.Fatalf("blocklist entry %q is not found in its own text", term)
			}
		}
	})
}

// FuzzPunycode checks the punycode decoder on any label: it stops, and
// what it decodes is valid UTF-8 with the label's basic code points first.
func FuzzPunycode(f *testing.F) {
	for _, s := range []string{"pypal-4ve", "mnchen-3ya", "bcher-kva", "-", "", "a-", "99999999999", "zzzzzzzzzz", "ls8h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 253 {
			return
		}
		u, err := punyDecode(s)
		if err != nil {
			return
		}
		if !utf8.ValidString(u) {
			t.Fatalf("punyDecode(%q) = %q: invalid UTF-8", s, u)
		}
		if i := strings.LastIndexByte(s, '-'); i >= 0 && isASCII(s[:i]) && utf8.RuneCountInString(u) < i {
			t.Fatalf("punyDecode(%q) = %q lost basic code points", s, u)
		}
	})
}

// checkFindingSpans checks the findings of Scan(s, "text"); codes, when
// not nil, are the codes allowed.
func checkFindingSpans(t *testing.T, s string, fs []detect.Finding, codes []string) {
	t.Helper()
	last := map[string]int{}
	for i, f := range fs {
		if f.Span == nil || f.Span.Start < 0 || f.Span.End > len(s) || f.Span.Start >= f.Span.End {
			t.Fatalf("%q: finding %+v has a span outside the text", s, f)
		}
		if !boundary(s, f.Span.Start) || !boundary(s, f.Span.End) || s[f.Span.Start:f.Span.End] != f.Match {
			t.Fatalf("%q: finding %s %+v cuts a character or misses its match %q", s, f.Code, *f.Span, f.Match)
		}
		if codes != nil && !slices.Contains(codes, f.Code) || f.Field != "text" {
			t.Fatalf("%q: finding %+v has an unknown code or the wrong field", s, f)
		}
		if i > 0 && fs[i-1].Span.Start > f.Span.Start {
			t.Fatalf("%q: findings not sorted: %s", s, describe(fs))
		}
		if j, ok := last[f.Code]; ok && fs[j].Span.End > f.Span.Start {
			t.Fatalf("%q: overlapping %s findings not merged: %s", s, f.Code, describe(fs))
		}
		last[f.Code] = i
	}
}

// checkMask masks s with a NUL marker and checks that exactly the bytes
// the findings cover went, each run of covered bytes (spans that overlap
// or touch) replaced by one marker, and the rest of s kept byte for byte.
func checkMask(t *testing.T, d *Detector, s string, fs []detect.Finding) {
	t.Helper()
	if got := d.Mask(s, nil); got != s {
		t.Fatalf("Mask(%q) without findings = %q", s, got)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return // the marker must not occur in s
	}
	covered := make([]bool, len(s)+1)
	for _, f := range fs {
		for i := f.Span.Start; i < f.Span.End; i++ {
			covered[i] = true
		}
	}
	var kept strings.Builder
	runs := 0
	for i := 0; i < len(s); i++ {
		if !covered[i] {
			kept.WriteByte(s[i])
		} else if i == 0 || !covered[i-1] {
			runs++
		}
	}
	got := d.Mask(s, fs)
	if strings.Count(got, "\x00") != runs || strings.ReplaceAll(got, "\x00", "") != kept.String() {
		t.Fatalf("Mask(%q) = %q: want %d masks around %q", s, got, runs, kept.String())
	}
	if utf8.ValidString(s) && !utf8.ValidString(got) {
		t.Fatalf("Mask(%q) = %q: invalid UTF-8", s, got)
	}
}

func sameFinding(a, b detect.Finding) bool {
	return a.Code == b.Code && a.Field == b.Field && *a.Span == *b.Span && a.Match == b.Match && a.Value == b.Value &&
		a.Threshold == b.Threshold && a.Detail == b.Detail && slices.Equal(a.Refs, b.Refs)
}

// boundary reports whether i is at the start of a character of s or its
// end; in invalid UTF-8, each bad byte is a character of its own.
func boundary(s string, i int) bool {
	if i == len(s) {
		return true
	}
	if i < 0 || i > len(s) {
		return false
	}
	for j := i; j >= 0 && j > i-utf8.UTFMax; j-- {
		if utf8.RuneStart(s[j]) {
			_, size := utf8.DecodeRuneInString(s[j:])
			return j+size <= i || j == i
		}
	}
	return true // a run of continuation bytes: each one is a bad character
}

// plainWord reports whether term is one lower-case ASCII word of at least
// three letters: text that normalises the same alone as in any text.
func plainWord(term string) bool {
	return len(term) >= 3 && strings.Trim(term, "abcdefghijklmnopqrstuvwxyz") == ""
}
