package text

import (
	"strings"
	"testing"
)

// benchListing is a 500-character listing description; benchMessage a
// 120-character message. Both carry a little of everything the detectors
// look for, so no detector can stop early.
var (
	benchListing = "Verkaufe mein gut erhaltenes Trekkingrad, 28 Zoll, Rahmenhöhe 52 cm, Shimano Deore 3x9, " +
		"Baujahr 2019, ca. 4.500 km gelaufen. Neue Reifen (Schwalbe Marathon), Licht vorne und hinten, " +
		"Gepäckträger, Ständer. Kleine Kratzer am Oberrohr, siehe Fotos. Preis 450 € VB, Abholung in " +
		"10115 Berlin, Hauptstr. 12, oder Versand per DHL für 39,99 €. Bei Fragen gerne melden: " +
		"null eins fünf eins, zwei drei vier, fünf sechs sieben acht, oder schreib an rad.berlin(at)gmx(dot)de. " +
		"Keine Garantie, Privatverkauf."
	benchMessage = "Hi! Ich bin gerade im Ausland, bitte Kaution vorab per Western Union, Schlüssel per Post. Infos: kleinmarkt-pay.com/login"
)

// BenchmarkScan scans a listing field: listing500 and message120 alone,
// clean cycles through benchClean (the common case of a listing check)
// and dirty through benchDirty, one text per operation.
func BenchmarkScan(b *testing.B) {
	d := newTestDetector(b)
	for _, bc := range []struct {
		name  string
		texts []string
	}{
		{"listing500", []string{benchListing}},
		{"message120", []string{benchMessage}},
		{"clean", benchClean},
		{"dirty", benchDirty},
	} {
		b.Run(bc.name, func(b *testing.B) {
			size := 0
			for _, s := range bc.texts {
				size += len(s)
			}
			b.SetBytes(int64(size / len(bc.texts)))
			i := 0
			for b.Loop() {
				d.Scan(bc.texts[i%len(bc.texts)], "description")
				i++
			}
		})
	}
}

func TestBenchTexts(t *testing.T) {
	if n := len([]rune(benchListing)); n < 480 || n > 520 {
		t.Errorf("listing has %d characters, want about 500", n)
	}
	if n := len([]rune(benchMessage)); n < 110 || n > 130 {
		t.Errorf("message has %d characters, want about 120", n)
	}
	if codes := strings.Join(Codes(newTestDetector(t), "listing", benchListing), " "); codes != "contact.email contact.phone" {
		t.Errorf("listing codes %q", codes)
	}
	d := newTestDetector(t)
	for _, s := range benchClean {
		if fs := d.Scan(s, "description"); len(fs) > 0 {
			t.Errorf("clean listing %.40q…: %s", s, describe(fs))
		}
	}
	for _, s := range benchDirty {
		if len(d.Scan(s, "description")) == 0 {
			t.Errorf("dirty text %.40q…: nothing found", s)
		}
	}
}

// BenchmarkScanFrozen is BenchmarkScan's clean and dirty texts through
// frozenScan, the detector before the word-start prefilter: run both in
// one go to compare.
func BenchmarkScanFrozen(b *testing.B) {
	d := newTestDetector(b)
	for _, bc := range []struct {
		name  string
		texts []string
	}{
		{"clean", benchClean},
		{"dirty", benchDirty},
	} {
		b.Run(bc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				frozenScan(d, bc.texts[i%len(bc.texts)], "description")
				i++
			}
		})
	}
}

// BenchmarkNew builds a Detector with the default lists, as every policy
// does once.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
}
