package disposable

import (
	"strings"
	"testing"
)

// FuzzContains checks Contains on any input against the list itself: it
// is true exactly when the domain part (after the last "@", trimmed, one
// trailing dot dropped, lower-cased) or one of its parents of two or more
// labels is listed and the name is well formed; and it ignores letter
// case, surrounding blanks, a local part, and a subdomain added in front.
func FuzzContains(f *testing.F) {
	for _, s := range []string{
		"user@Mailinator.com", "mailinator.com.", "x.y.mailinator.com", " guerrillamail.com\t", "a@b@yopmail.com",
		"com", ".mailinator.com", "a..mailinator.com", "mailinator.com..", "gmail.com", "", "@", "a@", "ｍａｉｌｉｎａｔｏｒ.com",
		"MAILINATOR.COM", "xn--mailinator-9za.com", strings.Repeat("a.", 130) + "mailinator.com",
	} {
		f.Add(s)
	}
	l := New()
	f.Fuzz(func(t *testing.T, s string) {
		got := l.Contains(s)
		if want := l.oracle(s); got != want {
			t.Fatalf("Contains(%q) = %v, want %v", s, got, want)
		}
		if upper := asciiUpper(s); l.Contains(upper) != got {
			t.Fatalf("Contains(%q) = %v, but Contains(%q) = %v", s, got, upper, !got)
		}
		if l.Contains(" \t"+s+"\n") != got {
			t.Fatalf("Contains(%q) = %v, but not with blanks around it", s, got)
		}
		if !strings.Contains(s, "@") && l.Contains("someone@"+strings.TrimSpace(s)) != got {
			t.Fatalf("Contains(%q) = %v, but not as an address", s, got)
		}
		if d := strings.TrimSpace(s); got && !strings.Contains(d, "@") && len(d) < 240 && !l.Contains("sub."+d) {
			t.Fatalf("Contains(%q), but not its subdomain", s)
		}
	})
}

// oracle is Contains as its documentation says it, the slow way.
func (l *List) oracle(s string) bool {
	d := strings.TrimSpace(s)
	if i := strings.LastIndex(d, "@"); i >= 0 {
		d = d[i+1:]
	}
	d = strings.TrimSuffix(d, ".")
	if d == "" || len(d) > maxDomainLen || strings.ContainsAny(d, " \t\r\n") {
		return false
	}
	labels := strings.Split(strings.ToLower(d), ".")
	for _, label := range labels {
		if label == "" {
			return false
		}
	}
	for i := 0; i+2 <= len(labels); i++ {
		if _, ok := l.domains[strings.Join(labels[i:], ".")]; ok {
			return true
		}
	}
	return false
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
