package text

import (
	"slices"
	"testing"
)

func TestScamScripts(t *testing.T) {
	d := newTestDetector(t)
	for _, tc := range []struct {
		in      string
		scripts []string // the scripts that must fire; none for clean texts
	}{
		// off-platform payment
		{"Ich zahle per Western Union", []string{ScriptOffPlatform}},
		{"PayPal friends & family only", []string{ScriptOffPlatform}},
		{"paga con PayPal amici e parenti", []string{ScriptOffPlatform}},
		{"can you pay with an Amazon gift card?", []string{ScriptOffPlatform}},
		{"betaal met bitcoin aub", []string{ScriptOffPlatform}},
		{"Überweisung direkt an mich, nicht über die Plattform", []string{ScriptOffPlatform}},
		{"Ik betaal via Tikkie buiten de app om", []string{ScriptOffPlatform}},
		{"Bitte per Überweisung, IBAN schicke ich dir", []string{ScriptOffPlatform}}, // two weak signals
		{"Zahlung per Überweisung möglich", nil},                                     // one weak signal
		{"Ich zahle direkt bei Abholung in bar", nil},
		// urgency
		{"today only, pay now", []string{ScriptUrgency}},
		{"nur heute!", []string{ScriptUrgency}},
		{"beaucoup d'autres acheteurs sont intéressés", []string{ScriptUrgency}},
		{"pay within 2 hours", []string{ScriptUrgency}},
		{"sonst verkaufe ich an jemand anderen", []string{ScriptUrgency}},
		{"dringend, bitte sofort antworten", []string{ScriptUrgency}}, // two weak signals
		{"urgent question about the size", nil},
		{"dringend dringend dringend", nil}, // the same weak signal thrice is still one
		// advance fee
		{"Kaution vor der Besichtigung überweisen", []string{ScriptAdvanceFee}},
		{"caparra prima della visita", []string{ScriptAdvanceFee}},
		{"Airbnb will send you the keys", []string{ScriptAdvanceFee}},
		{"I'm abroad, send the deposit first", []string{ScriptAdvanceFee}},
		{"les clés par la poste après la caution", []string{ScriptAdvanceFee}},
		{"Kaution 3 Monatsmieten, Besichtigung Samstag", nil},
		{"Ersatzschlüssel, Versand per Post möglich", nil},
		// fake shipping
		{"my shipping agent will handle it", []string{ScriptFakeShipping}},
		{"DHL will collect the item from you tomorrow", []string{ScriptFakeShipping}},
		{"DHL holt das Paket bei dir ab", []string{ScriptFakeShipping}},
		{"please pay the courier", []string{ScriptFakeShipping}},
		{"il mio corriere passerà domani", []string{ScriptFakeShipping}},
		{"Ich versende mit DHL, die holen das Paket bei mir ab", nil},
		{"the seller kept saying DHL will pick it up soon", nil},
		// several at once
		{"Urgent! Pay via Western Union today only", []string{ScriptOffPlatform, ScriptUrgency}},
	} {
		var got []string
		for _, f := range d.Scan(tc.in, "text") {
			if f.Code != CodeScam {
				continue
			}
			if f.Value == "" || f.Detail == "" || tc.in[f.Span.Start:f.Span.End] != f.Match {
				t.Errorf("%q: finding without evidence: %+v", tc.in, f)
			}
			if !slices.Contains(got, f.Value) {
				got = append(got, f.Value)
			}
		}
		slices.Sort(got)
		slices.Sort(tc.scripts)
		if !slices.Equal(got, tc.scripts) {
			t.Errorf("%q: scripts %v, want %v", tc.in, got, tc.scripts)
		}
	}
}

func TestScamWeakThreshold(t *testing.T) {
	d := newTestDetector(t)
	fs := d.Scan("Dringend!! Bitte sofort bezahlen.", "text")
	f, ok := findCode(fs, CodeScam, "Dringend")
	if !ok || f.Threshold == "" {
		t.Fatalf("two weak urgency signals: want a finding naming its threshold, got %s", describe(fs))
	}
}
