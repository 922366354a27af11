package disposable

import (
	"strings"
	"sync"
	"testing"
)

func TestContains(t *testing.T) {
	l := New()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		// Known disposable providers, as domains and addresses.
		{"domain", "mailinator.com", true},
		{"address", "user@mailinator.com", true},
		{"upper-case address", "User@Mailinator.COM", true},
		{"upper-case domain", "MAILINATOR.COM", true},
		{"subdomain", "x.mailinator.com", true},
		{"deep subdomain address", "a@b.c.mailinator.com", true},
		{"trailing dot", "mailinator.com.", true},
		{"address with trailing dot", "a@mailinator.com.", true},
		{"surrounding spaces", "  user@mailinator.com \n", true},
		{"guerrillamail", "someone@guerrillamail.com", true},
		{"sharklasers", "sharklasers.com", true},
		{"yopmail", "test@yopmail.com", true},
		{"10minutemail", "10minutemail.com", true},
		{"temp-mail", "x@temp-mail.org", true},
		{"trashmail", "TrashMail.com", true},
		{"three-label entry", "0-mailer.dynv6.net", true},
		{"last at sign wins", `"a@b"@mailinator.com`, true},
		{"empty local part", "@mailinator.com", true},
		{"unicode local part", "jürgen@mailinator.com", true},

		// Common real providers must not match.
		{"gmail", "someone@gmail.com", false},
		{"outlook", "someone@outlook.com", false},
		{"web.de", "someone@web.de", false},
		{"gmx.de", "someone@gmx.de", false},
		{"yahoo", "someone@yahoo.com", false},
		{"icloud", "someone@icloud.com", false},
		{"orange.fr", "someone@orange.fr", false},
		{"libero.it", "someone@libero.it", false},
		{"ziggo.nl", "someone@ziggo.nl", false},
		{"gmail bare upper-case", "GMAIL.COM", false},
		{"gmail subdomain", "x.gmail.com", false},

		// Public suffixes and hosting parents of listed entries never match.
		{"bare tld", "com", false},
		{"bare tld with dot", "com.", false},
		{"address at tld", "a@com", false},
		{"multi-label suffix", "co.uk", false},
		{"under multi-label suffix", "example.co.uk", false},
		{"parent of listed entry", "dynv6.net", false},
		{"sibling of listed entry", "other.dynv6.net", false},
		{"listed name as prefix only", "mailinator.com.evil.example", false},
		{"listed name as suffix of a label", "evilmailinator.com", false},

		// Malformed input.
		{"empty", "", false},
		{"spaces only", "   ", false},
		{"at only", "@", false},
		{"empty domain part", "a@", false},
		{"two at signs", "@@", false},
		{"no at sign", "no-at-sign", false},
		{"dot only", ".", false},
		{"two dots", "..", false},
		{"leading dot", ".mailinator.com", false},
		{"empty label", "x..mailinator.com", false},
		{"two trailing dots", "mailinator.com..", false},
		{"inner space", "user@mailinator .com", false},
		{"space after at", "user@ mailinator.com x", false},
		{"unicode domain", "user@mäilinator.com", false},
		{"unicode only", "日本語", false},
		{"emoji", "🙂@🙂.🙂", false},
		{"invalid utf-8", "a@\xff\xfe.com", false},
		{"nul byte", "a@mailinator.com\x00", false},
		{"too long", strings.Repeat("a.", 130) + "mailinator.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Contains(tt.in); got != tt.want {
				t.Errorf("Contains(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestLen(t *testing.T) {
	if n := New().Len(); n <= 1000 {
		t.Fatalf("Len() = %d, want > 1000", n)
	}
}

// TestListFile checks the promises the update script makes about
// domains.txt: a "#" header naming source and licence, then lower-case,
// sorted, unique, multi-label entries, every one of which Contains finds.
func TestListFile(t *testing.T) {
	l := New()
	var header []string
	var entries []string
	for line := range strings.Lines(domainsTxt) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, "#") {
			if len(entries) > 0 {
				t.Fatalf("comment %q after the header", line)
			}
			header = append(header, line)
			continue
		}
		entries = append(entries, line)
	}
	h := strings.Join(header, "\n")
	for _, want := range []string{"disposable-email-domains-js", "CC0-1.0", "Fetched:"} {
		if !strings.Contains(h, want) {
			t.Errorf("header lacks %q:\n%s", want, h)
		}
	}
	for i, d := range entries {
		switch {
		case d == "" || d != strings.ToLower(strings.TrimSpace(d)):
			t.Errorf("line %q: blank, padded or not lower-case", d)
		case !strings.Contains(d, "."):
			t.Errorf("line %q: single label", d)
		case i > 0 && entries[i-1] >= d:
			t.Errorf("lines %q, %q: not sorted or duplicated", entries[i-1], d)
		case !l.Contains(d):
			t.Errorf("Contains(%q) = false for a listed domain", d)
		}
	}
	if len(entries) != l.Len() {
		t.Errorf("file has %d entries, Len() = %d", len(entries), l.Len())
	}
}

func TestConcurrentContains(t *testing.T) {
	l := New()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if !l.Contains("a@x.mailinator.com") || l.Contains("a@gmail.com") {
					t.Error("wrong answer under concurrency")
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkContains(b *testing.B) {
	l := New()
	inputs := []string{
		"user@mailinator.com",
		"User@Sub.Mailinator.COM",
		"someone@gmail.com",
		"a.b.c.d.example.co.uk",
		"no-at-sign",
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Contains(inputs[i%len(inputs)])
		i++
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New()
	}
}
