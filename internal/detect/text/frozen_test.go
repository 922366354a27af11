package text

// A frozen copy of the detector's matching code as it was before the
// word-start prefilter (wordSet), for TestFrozenEquivalence and
// BenchmarkScanFrozen: frozenScan must find exactly what Scan finds.

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/detect"
)

// frozenScan is Scan as it was.
func frozenScan(d *Detector, s string, field string) []detect.Finding {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	n := frozenNormalise(d.nz, s)
	var fs []found
	if !d.skip[FamilyContact] || !d.skip[FamilyLink] {
		fs = append(fs, frozenContacts(d, n)...)
	}
	if !d.skip[FamilyScam] {
		for _, sc := range d.scams.scripts {
			for _, h := range frozenScamFind(sc, n.Text) {
				detail := fmt.Sprintf("%s script: %s", sc.name, sc.detail)
				threshold := ""
				if h.weak > 0 {
					threshold = fmt.Sprintf("%d different weak signals ≥ 2", h.weak)
				}
				fs = append(fs, found{CodeScam, h.start, h.end, sc.name, threshold, detail})
			}
		}
	}
	fs = append(fs, frozenTerms(d, n, FamilyProhibited, CodeProhibited, d.blocklist, true, "on the prohibited list")...)
	fs = append(fs, frozenTerms(d, n, FamilyProfanity, CodeProfanity, d.profanity, false, "profanity or a personal attack")...)
	return finish(n, field, fs)
}

func frozenTerms(d *Detector, n Normalised, family, code string, ts *termSet, negatable bool, why string) []found {
	if d.skip[family] {
		return nil
	}
	var out []found
	for _, h := range frozenTermFind(ts, n.Words) {
		if negatable && d.negated(n.Words[:h.start]) {
			continue
		}
		out = append(out, found{code, h.start, h.end, h.term, "", fmt.Sprintf("%q is %s", h.term, why)})
	}
	return out
}

func frozenContacts(d *Detector, n Normalised) []found {
	var out []found
	contact := !d.skip[FamilyContact]
	emails := frozenEmails(d, n)
	urls := d.urls(n, emails)
	if contact {
		for _, p := range frozenPhones(d.phones, n.Text) {
			if !overlapsAny(p.start, p.end, addressesOf(urls)) {
				out = append(out, found{CodePhone, p.start, p.end, p.e164, "", "phone number valid in " + p.region})
			}
		}
		for _, e := range emails {
			out = append(out, found{CodeEmail, e.start, e.end, e.value, "", "email address"})
		}
		for _, h := range frozenHandles(d.handles, n) {
			out = append(out, found{CodeHandle, h.start, h.end, h.value, "", "messenger or social-network handle offered as a contact"})
		}
	}
	for _, u := range urls {
		if contact {
			out = append(out, found{CodeURL, u.start, u.end, u.value, "", "link to " + u.host})
			if net, ok := d.socialHandle(u); ok {
				out = append(out, found{CodeHandle, u.start, u.end, net, "", "link to a " + strings.Split(net, ":")[0] + " account"})
			}
		}
		if d.skip[FamilyLink] {
			continue
		}
		v := d.judge(u)
		if v.shortener {
			out = append(out, found{CodeShortener, u.start, u.end, u.value, "", v.reason})
			if near := n.Text[max(0, u.start-100):min(len(n.Text), u.end+100)]; d.credentialAskRe.MatchString(near) {
				v = verdict{phishing: true, reason: "shortened link next to a request for card or login details"}
			}
		}
		if v.phishing {
			out = append(out, found{CodePhishing, u.start, u.end, u.host, v.threshold, v.reason})
		}
	}
	return out
}

func frozenHandles(hf *handleFinder, n Normalised) []handleHit {
	var out []handleHit
	t := n.Text
	for _, h := range frozenTermFind(hf.kw, n.Words) {
		net := hf.network[h.term]
		tail := t[h.end:]
		head := t[max(0, h.start-80):h.start]
		m := hf.sepRe.FindStringSubmatchIndex(tail)
		if m == nil && hf.mineRe.MatchString(head) {
			m = hf.isRe.FindStringSubmatchIndex(tail)
		}
		if m != nil {
			raw := tail[m[2]:m[3]]
			handle := strings.TrimPrefix(raw, "@")
			if hf.handleOK(handle, h.term, raw) {
				out = append(out, handleHit{h.start, h.end + m[1], net + ":" + handle})
				continue
			}
		}
		if hf.short[h.term] {
			continue
		}
		if m := hf.atRe.FindStringSubmatchIndex(tail); m != nil {
			out = append(out, handleHit{h.start, h.end + m[1], net + ":" + tail[m[2]+1:m[3]]})
			continue
		}
		if m := hf.phoneRe.FindStringSubmatchIndex(tail); m != nil && !hf.ambiguous[h.term] {
			out = append(out, handleHit{h.start, h.end + m[1], net + ":" + tail[m[2]:m[3]]})
			continue
		}
		if m := hf.meRe.FindStringIndex(tail); m != nil {
			out = append(out, handleHit{h.start, h.end + len(strings.TrimRight(tail[:m[1]], " \t,.!?")), net})
			continue
		}
		if hf.viaRe.MatchString(head) && hf.verbAfter.MatchString(tail) {
			out = append(out, handleHit{h.start, h.end + len(hf.verbAfter.FindString(tail)), net})
			continue
		}
		if hf.afterNum.MatchString(head) && isPhoneLike(head[max(0, len(head)-25):]) {
			out = append(out, handleHit{h.start, h.end, net})
			continue
		}
		if m := hf.inviteRe.FindStringIndex(head); m != nil {
			start := h.start - len(head) + m[0]
			if start < h.start && !isWordRune(rune(t[start])) {
				start++
			}
			out = append(out, handleHit{start, h.end, net})
		}
	}
	for _, m := range hf.atInvite.FindAllStringSubmatchIndex(t, -1) {
		out = append(out, handleHit{m[2], m[3], "@" + t[m[2]+1:m[3]]})
	}
	return out
}

func frozenTermFind(ts *termSet, words string) []hit {
	if ts == nil || ts.re == nil {
		return nil
	}
	var hits []hit
	for _, m := range frozenWordMatches(ts.re, words) {
		hits = append(hits, hit{m[0], m[1], ts.name(words[m[0]:m[1]])})
	}
	return hits
}

func frozenScamFind(s *scamScript, t string) []scamHit {
	var out []scamHit
	for _, m := range frozenWordMatches(s.strong, t) {
		if s.except == nil || !s.except.MatchString(sentence(t, m[0], m[1])) {
			out = append(out, scamHit{m[0], m[1], s, 0})
		}
	}
	var weak []scamHit
	distinct := map[string]bool{}
	for _, m := range frozenWordMatches(s.weak, t) {
		weak = append(weak, scamHit{m[0], m[1], s, 0})
		distinct[t[m[0]:m[1]]] = true
	}
	kinds := len(distinct)
	if kinds >= 2 {
		for i := range weak {
			weak[i].weak = kinds
		}
		out = append(out, weak...)
	}
	return out
}

func frozenWordMatches(re *regexp.Regexp, s string) [][2]int {
	var out [][2]int
	prevWord := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		word := isWordRune(r)
		if word && !prevWord {
			if loc := re.FindStringIndex(s[i:min(len(s), i+maxPhrase)]); loc != nil && loc[1] > 0 && wordBoundary(s, i, i+loc[1]) {
				out = append(out, [2]int{i, i + loc[1]})
				end, _ := utf8.DecodeLastRuneInString(s[:i+loc[1]])
				i, prevWord = i+loc[1], isWordRune(end)
				continue
			}
		}
		i, prevWord = i+size, word
	}
	return out
}

// frozenNormalise is normaliser.normalise as it was, with brackets and
// spelledAddresses searching the whole text.
func frozenNormalise(nz *normaliser, s string) Normalised {
	m := nz.fold(s)
	for range maxRounds {
		next := frozenRewrites(nz, m, s)
		if bytes.Equal(next.b, m.b) {
			break
		}
		m = next
	}
	t := string(m.b)
	return Normalised{Text: t, Words: leet(t), orig: s, lo: m.lo, hi: m.hi}
}

func frozenRewrites(nz *normaliser, m mapped, orig string) mapped {
	m = m.rewrite(digitLookalikes(string(m.b)))
	m = m.rewrite(frozenBrackets(nz, m))
	m = m.rewrite(nz.spelledNumbers(string(m.b)))
	m = m.rewrite(spacedOut(string(m.b)))
	return m.rewrite(frozenSpelledAddresses(nz, m, orig))
}

func frozenBrackets(nz *normaliser, m mapped) []edit {
	var edits []edit
	s := string(m.b)
	for _, loc := range nz.bracketRe.FindAllStringSubmatchIndex(s, -1) {
		edits = append(edits, edit{loc[0], loc[1], connSymbol(s[loc[2]:loc[3]])})
	}
	return edits
}

func frozenSpelledAddresses(nz *normaliser, m mapped, orig string) []edit {
	s := string(m.b)
	var edits []edit
	for _, loc := range nz.chainRe.FindAllStringIndex(s, -1) {
		edits = append(edits, nz.chain(s, loc[0], loc[1], func(a, b int) string {
			return orig[m.lo[a]:m.hi[b-1]]
		})...)
	}
	return edits
}

func frozenEmails(d *Detector, n Normalised) []address {
	var out []address
	for _, loc := range d.emailRe.FindAllStringIndex(n.Text, -1) {
		v := n.Text[loc[0]:loc[1]]
		if tld := v[strings.LastIndexByte(v, '.')+1:]; d.nz.tlds[tld] || d.pseudoTLDs[tld] {
			out = append(out, address{loc[0], loc[1], v})
		}
	}
	return out
}

// frozenPhones is phoneFinder.find as it was, with candRe searching the
// whole text.
func frozenPhones(pf *phoneFinder, t string) []phone {
	var out []phone
	for _, loc := range pf.candRe.FindAllStringIndex(t, -1) {
		if countDigits(t[loc[0]:loc[1]]) < 7 {
			continue
		}
		a, b := max(0, loc[0]-40), min(len(t), loc[1]+20)
		for a > 0 && !utf8.RuneStart(t[a]) {
			a--
		}
		for b < len(t) && !utf8.RuneStart(t[b]) {
			b++
		}
		masked := pf.mask(t[a:b])
		for _, c := range pf.candRe.FindAllIndex(masked, -1) {
			if ca, cb := a+c[0], a+c[1]; ca >= loc[0] && cb <= loc[1] {
				out = append(out, pf.candidates(t, ca, cb)...)
			}
		}
	}
	return out
}
