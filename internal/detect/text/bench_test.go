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

func BenchmarkScan(b *testing.B) {
	d := newTestDetector(b)
	for _, bc := range []struct{ name, text string }{
		{"listing500", benchListing},
		{"message120", benchMessage},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				d.Scan(bc.text, "description")
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
}
