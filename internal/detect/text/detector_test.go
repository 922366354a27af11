package text

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/detect"
)

func TestScanOrderAndMerge(t *testing.T) {
	d := newTestDetector(t)
	s := "WhatsApp: 0151 23456789 oder mail an john(at)gmx(dot)de, Western Union bevorzugt"
	fs := d.Scan(s, "description")
	if !slices.IsSortedFunc(fs, func(a, b detect.Finding) int { return a.Span.Start - b.Span.Start }) {
		t.Errorf("findings not sorted by span: %s", describe(fs))
	}
	var codes []string
	for _, f := range fs {
		if f.Field != "description" || s[f.Span.Start:f.Span.End] != f.Match {
			t.Errorf("finding %+v: wrong field or span", f)
		}
		codes = append(codes, f.Code)
	}
	wantCodes := []string{CodeHandle, CodePhone, CodeEmail, CodeScam}
	if !slices.Equal(codes, wantCodes) {
		t.Errorf("codes in order %v, want %v (%s)", codes, wantCodes, describe(fs))
	}

}

func TestFinishMerges(t *testing.T) {
	n := Normalise("abcdefghij")
	fs := finish(n, "text", []found{
		{code: CodeScam, start: 5, end: 8, value: "b"},
		{code: CodeScam, start: 0, end: 3, value: "a"},
		{code: CodeScam, start: 2, end: 6, value: "c"}, // overlaps both: one finding over 0–8
		{code: CodeURL, start: 1, end: 2},              // another code stays apart
		{code: CodeURL, start: 2, end: 4},              // touching, not overlapping
	})
	got := describe(fs)
	want := describe([]detect.Finding{
		{Code: CodeScam, Match: "abcdefgh", Value: "a"},
		{Code: CodeURL, Match: "b"},
		{Code: CodeURL, Match: "cd"},
	})
	if got != want {
		t.Errorf("finish = %s\nwant %s", got, want)
	}
}

func TestScanEmpty(t *testing.T) {
	d := newTestDetector(t)
	for _, s := range []string{"", "   \n\t"} {
		if fs := d.Scan(s, "text"); fs != nil {
			t.Errorf("Scan(%q) = %v, want nil", s, fs)
		}
	}
}

func TestCodes(t *testing.T) {
	d := newTestDetector(t)
	s := "Du Idiot, ruf an: 0151 23456789"
	if got := Codes(d, "review", s); !slices.Equal(got, []string{CodePhone, CodeProfanity}) {
		t.Errorf("review codes %v", got)
	}
	// Profanity is a review rule (R-V1): messages and listings leave it out.
	for _, check := range []string{"message", "listing"} {
		if got := Codes(d, check, s); !slices.Equal(got, []string{CodePhone}) {
			t.Errorf("%s codes %v, want only %s", check, got, CodePhone)
		}
	}
}

func TestMask(t *testing.T) {
	d := newTestDetector(t)
	s := "Ruf an: 0151 23456789 oder schreib john(at)gmx(dot)de – Grüße!"
	fs := d.Scan(s, "text")
	if got, want := Mask(s, fs), "Ruf an: [hidden] oder schreib [hidden] – Grüße!"; got != want {
		t.Errorf("Mask = %q, want %q", got, want)
	}
	if got, want := Mask(s, fs, CodeEmail), "Ruf an: 0151 23456789 oder schreib [hidden] – Grüße!"; got != want {
		t.Errorf("Mask(email) = %q, want %q", got, want)
	}
	if got := Mask(s, fs, CodeScam); got != s {
		t.Errorf("Mask with a code that did not fire changed the text: %q", got)
	}
	cfg := DefaultConfig()
	cfg.MaskWith = "***"
	dm, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dm.Mask(s, fs, CodePhone), "Ruf an: *** oder schreib john(at)gmx(dot)de – Grüße!"; got != want {
		t.Errorf("Detector.Mask = %q, want %q", got, want)
	}
}

func TestMaskSpans(t *testing.T) {
	sp := func(a, b int) *detect.Span { return &detect.Span{Start: a, End: b} }
	s := "0123456789"
	for _, tc := range []struct {
		name string
		fs   []detect.Finding
		want string
	}{
		{"at the start", []detect.Finding{{Code: "x", Span: sp(0, 3)}}, "[hidden]3456789"},
		{"at the end", []detect.Finding{{Code: "x", Span: sp(7, 10)}}, "0123456[hidden]"},
		{"overlapping", []detect.Finding{{Code: "x", Span: sp(2, 5)}, {Code: "y", Span: sp(4, 7)}}, "01[hidden]789"},
		{"touching", []detect.Finding{{Code: "x", Span: sp(2, 4)}, {Code: "y", Span: sp(4, 6)}}, "01[hidden]6789"},
		{"unsorted", []detect.Finding{{Code: "x", Span: sp(8, 9)}, {Code: "y", Span: sp(1, 2)}}, "0[hidden]234567[hidden]9"},
		{"no span or out of range", []detect.Finding{{Code: "x"}, {Code: "y", Span: sp(5, 99)}}, s},
	} {
		if got := Mask(s, tc.fs); got != tc.want {
			t.Errorf("%s: Mask = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNew(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Skip = []string{"spelling"}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "spelling") {
		t.Errorf("unknown family: err = %v", err)
	}
	cfg = DefaultConfig()
	cfg.Regions = nil
	if _, err := New(cfg); err == nil {
		t.Error("contact detection without phone regions must be refused")
	}
	cfg.Skip = []string{FamilyContact}
	if _, err := New(cfg); err != nil {
		t.Errorf("no regions are fine when contacts are skipped: %v", err)
	}
}

func TestSkip(t *testing.T) {
	s := "Ruf an: 0151 23456789, Zahlung per Western Union, paypal-login.com, viagra, du Idiot"
	for _, tc := range []struct {
		skip []string
		want []string
	}{
		{nil, []string{CodePhishing, CodePhone, CodeURL, CodeScam, CodeProfanity, CodeProhibited}},
		{[]string{FamilyContact}, []string{CodePhishing, CodeScam, CodeProfanity, CodeProhibited}},
		{[]string{FamilyLink, FamilyScam}, []string{CodePhone, CodeURL, CodeProfanity, CodeProhibited}},
		{[]string{FamilyProhibited, FamilyProfanity}, []string{CodePhishing, CodePhone, CodeURL, CodeScam}},
	} {
		cfg := DefaultConfig()
		cfg.Skip = tc.skip
		d, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := Codes(d, "review", s)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("skip %v: codes %v, want %v", tc.skip, got, tc.want)
		}
	}
}

// TestConcurrentScan runs one Detector from many goroutines; with -race it
// proves the Detector is read-only after New.
func TestConcurrentScan(t *testing.T) {
	d := newTestDetector(t)
	done := make(chan []string)
	for range 8 {
		go func() { done <- Codes(d, "message", "telegram: @john_doe, 0151 23456789, раypal.com") }()
	}
	want := []string{CodeHandle, CodePhone, CodeURL, CodePhishing}
	for range 8 {
		if got := <-done; !slices.Equal(got, want) {
			t.Errorf("codes %v, want %v", got, want)
		}
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"telegram: @john_doe 0151 23456789", "j o h n ät g m x punkt d e", "раypal.com/login",
		"Kaution vorab, Schlüssel per Post", "⑰⑱ zero six one two", "http://[::1]/x", "xn--pypal-4ve.com",
	} {
		f.Add(s)
	}
	d := newTestDetector(f)
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		for _, fd := range d.Scan(s, "text") {
			if fd.Span == nil || fd.Span.Start < 0 || fd.Span.End > len(s) || fd.Span.Start >= fd.Span.End || s[fd.Span.Start:fd.Span.End] != fd.Match {
				t.Fatalf("%q: bad finding %+v", s, fd)
			}
		}
	})
}

// TestLongInput guards against work that grows faster than the text: four
// times the text may take about four times as long, not sixteen.
func TestLongInput(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test")
	}
	d := newTestDetector(t)
	timeScan := func(s string) time.Duration {
		best := time.Duration(1 << 62)
		for range 2 {
			start := time.Now()
			d.Scan(s, "text")
			best = min(best, time.Since(start))
		}
		return best
	}
	for _, unit := range []string{"1 2 ", "a b ", "zero one ", "x at y dot ", "whatsapp: ", "0151 2345678 ", "Guter Zustand, Abholung. "} {
		short, long := timeScan(strings.Repeat(unit, 100)), timeScan(strings.Repeat(unit, 400))
		if long > 10*short+10*time.Millisecond {
			t.Errorf("%q: 100 repetitions take %v, 400 take %v", unit, short, long)
		}
	}
}
