package text

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/detect"
)

// want is one expected finding: its code, the original text it points at
// and, when set, its value.
type want struct {
	code, match, value string
}

// checkFindings scans s and requires a finding for each w, with the right
// span and value.
func checkFindings(t *testing.T, d *Detector, s string, ws ...want) {
	t.Helper()
	fs := d.Scan(s, "text")
	for _, w := range ws {
		f, ok := findCode(fs, w.code, w.match)
		if !ok {
			t.Errorf("%q: no %s finding on %q; got %s", s, w.code, w.match, describe(fs))
			continue
		}
		if s[f.Span.Start:f.Span.End] != f.Match {
			t.Errorf("%q: span %v does not hold match %q", s, *f.Span, f.Match)
		}
		if w.value != "" && f.Value != w.value {
			t.Errorf("%q: %s value = %q, want %q", s, w.code, f.Value, w.value)
		}
	}
}

func findCode(fs []detect.Finding, code, match string) (detect.Finding, bool) {
	for _, f := range fs {
		if f.Code == code && f.Match == match {
			return f, true
		}
	}
	return detect.Finding{}, false
}

func describe(fs []detect.Finding) string {
	if len(fs) == 0 {
		return "nothing"
	}
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s %q (%s)", f.Code, f.Match, f.Value))
	}
	return strings.Join(parts, ", ")
}

func TestPhones(t *testing.T) {
	d := newTestDetector(t)
	for _, tc := range []struct {
		in, match, e164 string
	}{
		{"Ruf an: 0151 23456789", "0151 23456789", "+4915123456789"},
		{"null eins fünf eins / eins zwei drei vier / fünf sechs sieben acht", "null eins fünf eins / eins zwei drei vier / fünf sechs sieben acht", "+4915112345678"},
		{"Tel: 0 1 5 1 - 2 3 4 5 6 7 8 9 danke", "0 1 5 1 - 2 3 4 5 6 7 8 9", "+4915123456789"},
		{"Festnetz +49 (0) 151 2345 6789", "+49 (0) 151 2345 6789", "+4915123456789"},
		{"zero six one two three four five six seven eight", "zero six one two three four five six seven eight", "+31612345678"},
		{"appelle au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "+31612345678"},
		{"0049 171 2345678", "0049 171 2345678", "+491712345678"},
		{"Handy: 0171/2345678", "0171/2345678", "+491712345678"},
		{"06.12.34.56.78", "06.12.34.56.78", "+31612345678"},
		{"Mon 06 : 12 34 56 78", "06 : 12 34 56 78", "+31612345678"},
		{"Nummer: O151 2345 6789", "O151 2345 6789", "+4915123456789"},
		{"chiamami al 347 123 4567", "347 123 4567", "+393471234567"},
		{"Llámame 612 345 678", "612 345 678", "+34612345678"},
		{"tel: +33 6 12 34 56 78", "+33 6 12 34 56 78", "+33612345678"},
		{"Abholung 12/03 0151 23456789", "0151 23456789", "+4915123456789"},
		{"0 6 1 2 3 4 5 6 7 8 (fullwidth ０６)", "0 6 1 2 3 4 5 6 7 8", "+31612345678"},
	} {
		checkFindings(t, d, tc.in, want{CodePhone, tc.match, tc.e164})
	}
}

func TestEmails(t *testing.T) {
	d := newTestDetector(t)
	for _, tc := range []struct {
		in, match, value string
	}{
		{"schreib an max.mustermann@gmail.com!", "max.mustermann@gmail.com", "max.mustermann@gmail.com"},
		{"j o h n @ g m x . d e", "j o h n @ g m x . d e", "john@gmx.de"},
		{"mail: john(at)gmx(dot)de", "john(at)gmx(dot)de", "john@gmx.de"},
		{"john ät gmx punkt de", "john ät gmx punkt de", "john@gmx.de"},
		{"reach me: name at gmail dot com", "name at gmail dot com", "name@gmail.com"},
		{"camille arobase orange point fr", "camille arobase orange point fr", "camille@orange.fr"},
		{"kontakt: hans_mueller(a)web.de", "hans_mueller(a)web.de", "hans_mueller@web.de"},
		{"ＪＯＨＮ＠ＧＭＡＩＬ．ＣＯＭ", "ＪＯＨＮ＠ＧＭＡＩＬ．ＣＯＭ", "john@gmail.com"},
		{"info@kleinmarkt.example", "info@kleinmarkt.example", "info@kleinmarkt.example"},
	} {
		checkFindings(t, d, tc.in, want{CodeEmail, tc.match, tc.value})
		if codes := Codes(d, "message", tc.in); strings.Contains(strings.Join(codes, " "), CodeURL) {
			t.Errorf("%q: an email address must not also yield %s: %v", tc.in, CodeURL, codes)
		}
	}
}

func TestURLs(t *testing.T) {
	d := newTestDetector(t)
	for _, tc := range []struct {
		in, match, value string
	}{
		{"Fotos: https://mein-laden.de/angebote?id=4", "https://mein-laden.de/angebote?id=4", "https://mein-laden.de/angebote?id=4"},
		{"see www.Flickr.com/photos/Jan123", "www.Flickr.com/photos/Jan123", "www.Flickr.com/photos/Jan123"},
		{"shop: example-shop dot de", "example-shop dot de", "example-shop.de"},
		{"alle info op marktplein punt nl", "marktplein punt nl", "marktplein.nl"},
		{"auch auf ebay.de inseriert", "ebay.de", "ebay.de"},
		{"https://kleinmarkt.example/help", "https://kleinmarkt.example/help", "https://kleinmarkt.example/help"},
		{"Archiv: https://example.com/fotos.zip", "https://example.com/fotos.zip", ""},
	} {
		checkFindings(t, d, tc.in, want{CodeURL, tc.match, tc.value})
	}
}

func TestHandles(t *testing.T) {
	d := newTestDetector(t)
	for _, tc := range []struct {
		in, match, value string
	}{
		{"telegram: @john_doe", "telegram: @john_doe", "telegram:john_doe"},
		{"insta: jdoe", "insta: jdoe", "instagram:jdoe"},
		{"add me on snap: jdoe99", "snap: jdoe99", "snapchat:jdoe99"},
		{"WhatsApp me", "WhatsApp me", "whatsapp"},
		{"w h a t s a p p me", "w h a t s a p p me", "whatsapp"},
		{"Wh4tsApp: 0151 23456789", "Wh4tsApp: 0151 23456789", "whatsapp:0151 23456789"},
		{"my kik is jdoe_22", "kik is jdoe_22", "kik:jdoe_22"},
		{"line id: shop_anna", "line id: shop_anna", "line:shop_anna"},
		{"skype: live:mark.w", "skype: live:mark.w", "skype:live:mark.w"},
		{"Kontakt gerne per WhatsApp", "Kontakt gerne per WhatsApp", "whatsapp"},
		{"écris-moi sur whatsapp stp", "écris-moi sur whatsapp", "whatsapp"},
		{"bei Fragen einfach per WhatsApp melden", "WhatsApp melden", "whatsapp"},
		{"Infos 347-1234567 anche WhatsApp", "WhatsApp", "whatsapp"},
		{"add me @jdoe_92", "@jdoe_92", "@jdoe_92"},
		{"t.me/vintage_deals", "t.me/vintage_deals", "telegram:vintage_deals"},
		{"https://wa.me/491701234567", "https://wa.me/491701234567", "whatsapp:491701234567"},
	} {
		checkFindings(t, d, tc.in, want{CodeHandle, tc.match, tc.value})
	}
}

// TestNearMisses lists texts in which nothing may fire: numbers that are
// not phone numbers, words that look like domains, a messenger's name
// without an invitation, a single urgency word.
func TestNearMisses(t *testing.T) {
	d := newTestDetector(t)
	for _, s := range []string{
		// prices
		"Preis 450 €, VB", "1.250,00 EUR", "€ 1 250", "EUR 99,90 inkl. Versand", "prix 1 250 € à débattre",
		// dates and times
		"Abholung am 12.03.2024", "Termin 2024-03-12", "ab 12/03", "um 18:30 Uhr", "18h30 devant la gare",
		"Paket kommt 14.-16.03.", "bis 30.06.",
		// order, serial, tracking and account numbers
		"order #123456789", "Bestellnummer 4711-0815", "Artikelnummer 0151234567", "Seriennummer 150012345",
		"Sendungsnummer 00340434161234567890", "IBAN DE89 3704 0044 0532 0130 00",
		// addresses
		"Hauptstr. 12, 10115 Berlin", "Musterweg 3 01067 Dresden", "ophalen in 3511 AB Utrecht",
		// models, years, mileage, measures, versions
		"iPhone 13", "Galaxy S23", "RTX 3080", "Sony WH-1000XM4", "Golf 7 2.0 TDI", "2019, 85.000 km",
		"180x200 cm", "Maße 110 x 50 x 85 cm", "v2.0.1", "macOS 14.4.1", "Modell 2019-2021",
		// abbreviations and file names
		"e.g. no dents", "z.B. Kratzer", "i.e. unused", "photo.jpg", "fotos.zip", "anleitung.pdf", "GmbH & Co.KG",
		"Neuwertig.Versand möglich.", "Top Zustand.Haus wird aufgelöst", "il y a deux ans, à l'étranger",
		// messenger names that are not handles
		"WhatsApp-compatible phone", "Handy mit WhatsApp, Instagram und Snapchat vorinstalliert", "Signal: sehr gut",
		"Snap-on Werkzeugkasten", "Line 6 Helix", "I saw your shop on Instagram", "Instagram: nein",
		// at/dot words in ordinary sentences
		"meet me at the station", "look at the dot on the screen", "un point de vue", "see more at home",
		// reviews
		"fast delivery to my address", "Lieferung an meine Adresse in 50667 Köln",
		// single weak scam signals
		"urgent question about the size", "Versand ist dringend", "Kaution 3 Monatsmieten, Besichtigung Samstag",
		"Ich bin im Ausland bis Freitag", "Zahlung per Überweisung möglich", "Versand per DHL, 5,49 €",
		"Ersatzschlüssel, Versand per Post möglich",
		// words that contain a listed word
		"Wasserpistole", "Waffeleisen", "Heißklebepistole", "Scunthorpe", "Dickens", "Kutsche",
	} {
		if fs := d.Scan(s, "text"); len(fs) > 0 {
			t.Errorf("%q: want no finding, got %s", s, describe(fs))
		}
	}
}
