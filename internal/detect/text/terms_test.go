package text

import (
	"testing"
)

func TestProhibited(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Blocklist = append(cfg.Blocklist, "Schwarzpulver", "gun* for sale")
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in, match, term string
	}{
		{"Selling v 1 a g r a cheap", "v 1 a g r a", "viagra"},
		{"v1agra und c1alis", "v1agra", "viagra"},
		{"wеapon parts", "wеapon", "weapon*"}, // Cyrillic е
		{"W-E-A-P-O-N-S", "W-E-A-P-O-N-S", "weapon*"},
		{"Rolex, 1:1 replica", "1:1 replica", "1:1 replica"},
		{"need a FAKE-ID?", "FAKE-ID", "fake id"},
		{"Kokain-Waage", "Kokain", "kokain"},
		{"SCHWARZPULVER 1kg", "SCHWARZPULVER", "Schwarzpulver"},
		{"guns for sale", "guns for sale", "gun* for sale"},
		{"ｃｏｃａｉｎｅ", "ｃｏｃａｉｎｅ", "cocaine"},
		{"Crystal-Meth", "Crystal-Meth", "crystal meth"},
	} {
		fs := d.Scan(tc.in, "title")
		f, ok := findCode(fs, CodeProhibited, tc.match)
		if !ok {
			t.Errorf("%q: no %s on %q, got %s", tc.in, CodeProhibited, tc.match, describe(fs))
			continue
		}
		if tc.term != "" && f.Value != tc.term {
			t.Errorf("%q: value %q, want the list entry %q", tc.in, f.Value, tc.term)
		}
		if f.Field != "title" {
			t.Errorf("%q: field %q, want title", tc.in, f.Field)
		}
	}
	for _, s := range []string{
		"Waffeleisen", "Wasserpistole", "Replacement battery", "keine Replika, Original", "not a replica",
		"pas de contrefaçon", "Methode", "Ammonit", "Ecstatic customer",
	} {
		if fs := d.Scan(s, "title"); len(fs) > 0 {
			t.Errorf("%q: want no finding, got %s", s, describe(fs))
		}
	}
}

func TestProfanity(t *testing.T) {
	d := newTestDetector(t)
	for _, tc := range []struct{ in, match string }{
		{"What a f u c k i n g joke", "f u c k i n g"},
		{"Total sh1t", "sh1t"},
		{"Du bist ein ARSCHLOCH", "ARSCHLOCH"},
		{"Scheiße verpackt", "Scheiße"},
		{"vendeur de merde", "merde"},
		{"sei un coglione", "coglione"},
		{"wat een klootzak", "klootzak"},
		{"no fucking way", "fucking"},
	} {
		checkFindings(t, d, tc.in, want{CodeProfanity, tc.match, ""})
	}
	for _, s := range []string{"Scunthorpe", "Dickens", "Kutsche", "Pennerstraße", "idiotensicher verpackt"} {
		if fs := d.Scan(s, "text"); len(fs) > 0 {
			t.Errorf("%q: want no finding, got %s", s, describe(fs))
		}
	}
}

func TestTermSyntax(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Blocklist = []string{"fa*ke"}
	if _, err := New(cfg); err == nil {
		t.Error("a '*' inside a term must be rejected")
	}
	cfg.Blocklist = []string{"", "   "}
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if fs := d.Scan("anything at all", "text"); len(fs) > 0 {
		t.Errorf("empty terms must match nothing, got %s", describe(fs))
	}
}
