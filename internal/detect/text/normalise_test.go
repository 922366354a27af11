package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalise(t *testing.T) {
	for _, tc := range []struct {
		in, text string
	}{
		// NFKC, case folding, ß, invisible characters
		{"ＷｈａｔｓＡｐｐ", "whatsapp"},
		{"Scheiße STRASSE", "scheisse strasse"},
		{"what\u200bs\u00adapp", "whatsapp"},
		// homoglyphs (Cyrillic р, а, е)
		{"раypal wеapon", "paypal weapon"},
		// spaced-out characters
		{"0 6 1 2 - 3 4", "0612-34"},
		{"w h a t s a p p", "whatsapp"},
		{"j.o.h.n", "john"},
		{"j o h n @ g m x . d e", "john@gmx.de"},
		{"e.g. z.B. i.e.", "e.g. z.b. i.e."},
		{"a.b@gmx.de", "a.b@gmx.de"},
		{"il y a à l'étranger", "il y a à l'étranger"},
		{"w h a t s a p p 0 1 5 2 3 4 5", "whatsapp 0152345"},
		// spelled-out numbers
		{"null eins fünf eins / eins zwei drei vier", "01511234"}, // spelled out for a reason: one number
		{"null eins fünf eins zwei drei vier fünf sechs", "015123456"},
		{"zero six one two three four five six seven eight", "0612345678"},
		{"zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "0612345678"},
		{"quatre-vingt-dix-neuf, vingt et un", "99, 21"},
		{"nul zes een twee drie vier vijf zes zeven acht", "0612345678"},
		{"tre quattro sette ventitré", "347 23"},
		{"dreiundzwanzig drieëntwintig veintiocho", "23 23 28"},
		{"double six, triple zero", "66, 000"},
		{"plus vier neun eins fünf eins zwei drei", "+4915123"},
		{"état neuf 250 €", "état neuf 250 €"}, // a lone number word stays a word
		{"one or two scratches", "one or two scratches"},
		{"Nummer O151 2345", "nummer 0151 2345"},
		// at/dot spellings
		{"john(at)gmx(dot)de", "john@gmx.de"},
		{"john [at] gmx [dot] de", "john@gmx.de"},
		{"john ät gmx punkt de", "john@gmx.de"},
		{"name at gmail dot com", "name@gmail.com"},
		{"anna punkt schulz ät web punkt de", "anna.schulz@web.de"},
		{"hans(a)web.de", "hans@web.de"},
		{"example dot com", "example.com"},
		{"kleinanzeigen punkt de", "kleinanzeigen.de"},
		{"negozio punto it", "negozio.it"},
		{"look at ebay dot com", "look at ebay.com"},
		{"see more at etsy.com", "see more at etsy.com"},
		{"un point de vue, bon point de vente", "un point de vue, bon point de vente"},
		{"meet at the station", "meet at the station"},
		{"Ende . Haus", "ende . haus"},
		{"gmx . de", "gmx.de"},
	} {
		if got := Normalise(tc.in).Text; got != tc.text {
			t.Errorf("Normalise(%q).Text = %q, want %q", tc.in, got, tc.text)
		}
	}
}

func TestNormaliseWords(t *testing.T) {
	for _, tc := range []struct {
		in, words string
	}{
		{"v1agra h3ll0 w3ap0n", "viagra hello weapon"},
		{"$h1t wh4t$app", "shit whatsapp"},
		{"0612 1:1 2019", "0612 1:1 2019"}, // numbers stay numbers
		{"v 1 a g r a", "viagra"},
		{"hello! idiot|", "hello! idiot|"}, // only inside words
	} {
		n := Normalise(tc.in)
		if n.Words != tc.words {
			t.Errorf("Normalise(%q).Words = %q, want %q", tc.in, n.Words, tc.words)
		}
		if len(n.Words) != len(n.Text) {
			t.Errorf("Words and Text of %q differ in length", tc.in)
		}
	}
}

// TestNormaliseSpans checks that a piece of the normalised text maps back
// to the original text it came from.
func TestNormaliseSpans(t *testing.T) {
	for _, tc := range []struct {
		in, norm, orig string
	}{
		{"Ruf an: null eins fünf eins zwei drei vier fünf sechs sieben acht!", "01512345678", "null eins fünf eins zwei drei vier fünf sechs sieben acht"},
		{"Mail: j o h n @ g m x . d e, danke", "john@gmx.de", "j o h n @ g m x . d e"},
		{"Mail: john(at)gmx(dot)de, danke", "john@gmx.de", "john(at)gmx(dot)de"},
		{"Check раypal.com now", "paypal.com", "раypal.com"},
		{"ＳＰＡＭ in fullwidth", "spam", "ＳＰＡＭ"},
		{"Straße 5", "strasse", "Straße"},
	} {
		n := Normalise(tc.in)
		i := strings.Index(n.Text, tc.norm)
		if i < 0 {
			t.Errorf("Normalise(%q).Text = %q lacks %q", tc.in, n.Text, tc.norm)
			continue
		}
		if got := n.Match(i, i+len(tc.norm)); got != tc.orig {
			t.Errorf("%q: %q maps to %q, want %q", tc.in, tc.norm, got, tc.orig)
		}
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"null eins fünf", "j o h n ät g m x punkt d e", "раypal.com", "0 6 1 2 - 3 4", "e\u0301\u200b①②"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		n := Normalise(s)
		if len(n.Words) != len(n.Text) || len(n.lo) != len(n.Text) || len(n.hi) != len(n.Text) {
			t.Fatalf("length mismatch for %q", s)
		}
		prev := 0
		for i := range n.Text {
			if n.lo[i] < 0 || n.hi[i] > len(s) || n.lo[i] >= n.hi[i] || n.lo[i] < prev {
				t.Fatalf("%q: byte %d of %q maps to [%d,%d) after %d", s, i, n.Text, n.lo[i], n.hi[i], prev)
			}
			prev = n.lo[i]
		}
	})
}
