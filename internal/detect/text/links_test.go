package text

import (
	"slices"
	"testing"
)

func TestLinks(t *testing.T) {
	cfg := DefaultConfig()
	cfg.BlockedDomains = []string{"evil-shop.example.com", "scam.top"}
	cfg.AllowedDomains = append(cfg.AllowedDomains, "paypal-community.com")
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const (
		url, phish, short = CodeURL, CodePhishing, CodeShortener
	)
	for _, tc := range []struct {
		in   string
		want []string
	}{
		// the brands themselves and ordinary sites
		{"https://www.paypal.com/signin", []string{url}},
		{"login.paypal.com/verify", []string{url}},
		{"https://kleinmarkt.example/login", []string{url}},
		{"mein-fahrradladen.de/login", []string{url}}, // a login page is not phishing by itself
		{"www.paypal-community.com/payment", []string{url}},
		// block list, subdomains included
		{"http://evil-shop.example.com", []string{url, phish}},
		{"pay.scam.top/x", []string{url, phish}},
		// IP-literal hosts
		{"http://185.23.44.10/kleinmarkt/login", []string{url, phish}},
		// brand names on other domains
		{"paypal-secure-login.com", []string{url, phish}},
		{"kleinmarkt-payment.com", []string{url, phish}},
		{"paypal.xyz", []string{url, phish}},
		{"www.paypal.com.account-verify.info", []string{url, phish}},
		{"dhl-paket-zustellung.info/track", []string{url, phish}},
		{"paypalsecure.net", []string{url, phish}},
		// look-alikes by edit distance and visual tricks
		{"paypa1-service.com/login", []string{url, phish}},
		{"paypai.com", []string{url, phish}},
		{"arnazon.de", []string{url, phish}},
		{"kleinmrakt.de/pay", []string{url, phish}},
		// edit distance 2 alone is weak; with a credential word it is phishing
		{"paipai.com", []string{url}},
		{"paipai.com/login", []string{url, phish}},
		// homoglyphs and punycode
		{"раypal.com", []string{url, phish}},
		{"https://xn--pypal-4ve.com/", []string{url, phish}},
		{"https://xn--kleinmrkt-5yh.com/pay", []string{url, phish}},
		// brand in the path of an unknown site with a credential word
		{"secure-check.top/paypal/verify", []string{url, phish}},
		{"my-blog.de/paypal-review", []string{url}},
		// shorteners: their own code, not phishing by themselves
		{"bit.ly/3kFzQ9x", []string{url, short}},
		{"Zahlung: https://cutt.ly/abc", []string{url, short}},
		{"bit.ly/2Pay4You and enter your card details", []string{url, short, phish}},
		// short brand names need an exact or embedded match
		{"dpl.de", []string{url}},
		{"ups-delivery-fee.com", []string{url, phish}},
		{"groups.com", []string{url}},
	} {
		got := Codes(d, "message", tc.in)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: codes %v, want %v (%s)", tc.in, got, tc.want, describe(d.Scan(tc.in, "text")))
		}
	}
}

func TestPhishingEvidence(t *testing.T) {
	d := newTestDetector(t)
	checkFindings(t, d, "Bitte hier bestätigen: раypal.com/confirm!", want{CodePhishing, "раypal.com/confirm", "раypal.com"})
	fs := d.Scan("paypa1.com", "text")
	f, ok := findCode(fs, CodePhishing, "paypa1.com")
	if !ok || f.Threshold == "" || f.Detail == "" {
		t.Errorf("look-alike finding lacks its evidence: %+v", f)
	}
}

func TestPunyDecode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"pypal-4ve", "pаypal"},
		{"kleinmrkt-5yh", "kleinmаrkt"},
		{"mnchen-3ya", "münchen"},
		{"bcher-kva", "bücher"},
	} {
		got, err := punyDecode(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("punyDecode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"abc-!!", "zzzzzzzzzzzzzzz"} {
		if _, err := punyDecode(bad); err == nil {
			t.Errorf("punyDecode(%q): want an error", bad)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"paypal", "paypal", 0}, {"paypai", "paypal", 1}, {"paipai", "paypal", 2}, {"", "abc", 3}, {"münchen", "munchen", 1},
		{"kleinmrakt", "kleinmarkt", 1}, {"ca", "abc", 3},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
