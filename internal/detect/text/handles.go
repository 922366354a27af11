package text

import (
	"regexp"
	"strings"
	"unicode"
)

// handleFinder finds messenger and social-network handles offered as a
// contact: "telegram: @john_doe", "insta: jdoe", "WhatsApp me", "add me on
// snap", "Kontakt gerne per WhatsApp". A network's name alone is not a
// handle ("WhatsApp-compatible phone", "Handy mit Instagram"): it needs a
// handle or number after it, or an invitation to write there.
type handleFinder struct {
	kw        *termSet
	network   map[string]string // keyword → network
	short     map[string]bool   // aliases that count only before ":" ("wa: …")
	ambiguous map[string]bool   // keywords that are everyday words: "signal", "messenger"
	stop      map[string]bool   // words after "insta:" that are not handles
	sepRe     *regexp.Regexp    // "…: handle" after the keyword
	isRe      *regexp.Regexp    // "… is handle" after the keyword
	mineRe    *regexp.Regexp    // "my …" before the keyword, for isRe
	atRe      *regexp.Regexp    // "… @handle" after the keyword
	phoneRe   *regexp.Regexp    // "… 0151 2345678" after the keyword
	meRe      *regexp.Regexp    // "… me" after the keyword
	inviteRe  *regexp.Regexp    // "add me on …", "Kontakt per …" before it
	viaRe     *regexp.Regexp    // "per …" before it, with
	verbAfter *regexp.Regexp    // "… melden" after it
	afterNum  *regexp.Regexp    // "0151 2345678 auch …": the number is offered there too
	atInvite  *regexp.Regexp    // "add me @handle" without a network name
}

// messengers: network → keywords, in term syntax (see termSet). Aliases in
// brackets count only when a ":" and a handle follow.
const messengers = `whatsapp: whats app*, wats app*, whats ap, what app, [wa], [whatsapp nr]
telegram: telegram, telegramm, [tg]
signal: signal
instagram: instagram, insta, [ig]
snapchat: snapchat, snap
facebook: facebook, messenger, [fb]
tiktok: tiktok, tik tok
kik: kik
line: line id, line app
skype: skype
viber: viber
wechat: wechat, we chat
threema: threema
discord: discord`

const (
	inviteVerbs = `add|adde|text|message|msg|write|contact|reach|dm|ping|chat|follow|call|find|send|hit me up|` +
		`schreib\w*|meld\w*|kontaktier\w*|erreich\w*|schick\w*|folg\w*|ruf\w*|` +
		`écri\w*|ecri\w*|contacte\w*|envoie\w*|suivez|appelle\w*|` +
		`scriv\w*|contatta\w*|mand\w*|seguimi|chiama\w*|` +
		`stuur\w*|bericht\w*|volg\w*|bel|escríbe\w*|escribe\w*|manda\w*|napisz|pisz|dodaj|ajoute\w*|aggiungi\w*`
	inviteGaps = `me|mir|mich|uns|us|moi|mi|mij|dir|ihr|einfach|gerne|gern|doch|kurz|bitte|please|directly|direkt|directement|` +
		`direttamente|auch|also|anche|aussi|ook|también|da|there|dort|là|lì|daar|ahí|eine?|ein|a|an|un|une|een|nachricht|message|msg|sms|more|mehr|plus|photos|fotos|bilder|pictures|pics|foto|` +
		`immagini|details|infos?|berichtje|bericht|messaggio|mensaje|on|at|via|per|über|auf|bei|in|sur|su|op|par|por|con|mit|with|over|to|am|besten`
	contactNouns = `kontakt\w*|contact\w*|contatt\w*|erreichbar|reachable|joignable|raggiungibile|bereikbaar`
	handleToken  = `@?(?:live:)?[\p{L}\p{N}_](?:[\p{L}\p{N}_.\-]{1,30}[\p{L}\p{N}_])?`
	phoneToken   = `\+?\d[\d \-/]{5,}\d`
	// handleStop are answers after "Instagram:" that are not handles.
	handleStop = "yes no ja nein oui non si sì nee neen ok okay gut good top stark strong weak schwach vorhanden available none keine " +
		"kein nicht not pas geen nessuno lte wifi wlan vorinstalliert installed installiert inklusive included funktioniert works"
)

func newHandleFinder(nz *normaliser) (*handleFinder, error) {
	hf := &handleFinder{
		network:   map[string]string{},
		short:     map[string]bool{},
		ambiguous: setOf([]string{"signal", "messenger"}),
		stop:      setOf(append(strings.Fields(handleStop), strings.Fields(stopWords)...)),
		sepRe: regexp.MustCompile(`^(?:[ \t]*(?:id|name|nick|nickname|user|username|account|handle|number|nummer|nr|numero|numéro))?` +
			`[ \t]*(?:[:=]|->|→)[ \t]*(` + phoneToken + `|` + handleToken + `)`),
		isRe:      regexp.MustCompile(`^(?:[ \t]*(?:id|name|nick|username|account|handle|number|nummer))?[ \t]+(?:is|ist|est|è|es|=)[ \t]*(` + phoneToken + `|` + handleToken + `)`),
		mineRe:    regexp.MustCompile(`(?:^|[^\p{L}])(?:my|mein|meine|mon|ma|mio|mia|mijn|mi)[ \t]+$`),
		atRe:      regexp.MustCompile(`^[ \t]+(@[\p{L}\p{N}_.]{2,30})`),
		phoneRe:   regexp.MustCompile(`^[ \t]*(?:(?:nr|number|nummer|numero)\.?)?[ \t]*(` + phoneToken + `)`),
		meRe:      regexp.MustCompile(`^[ \t]+(?:me|mir|moi|mi|mij)(?:[^\p{L}]|$)`),
		inviteRe:  regexp.MustCompile(`(?:^|[^\p{L}])(?:(?:` + inviteVerbs + `)|(?:` + contactNouns + `)[ \t]*:?)(?:[ \t\-]+(?:` + inviteGaps + `|nur|only|solo|uniquement|alleen))*[ \t]+$`),
		viaRe:     regexp.MustCompile(`(?:^|[^\p{L}])(?:per|via|über|auf|bei|on|sur|par|su|op|by|por)[ \t]+$`),
		verbAfter: regexp.MustCompile(`^[ \t]+(?:melden|schreiben|anschreiben|kontaktieren|erreichbar|contacter|contactez|contattare|contattami|contacten|bereikbaar|reachable|escribir)(?:[^\p{L}]|$)`),
		afterNum:  regexp.MustCompile(`\d[ \t]*[,/(+&]?[ \t]*(?:(?:auch|also|anche|aussi|ook|también|und|and|e|et|en|oder|or|per|via|su|op|on|über|sur|or|ou|o)[ \t]+){0,2}$`),
		atInvite:  regexp.MustCompile(`(?:^|[^\p{L}])(?:` + inviteVerbs + `)(?:[ \t\-]+(?:` + inviteGaps + `)){0,5}[ \t]*:?[ \t]+(@[\p{L}\p{N}_.]{3,30})`),
	}
	var terms []string
	for _, line := range strings.Split(messengers, "\n") {
		name, list, _ := strings.Cut(line, ":")
		for _, t := range strings.Split(list, ",") {
			t = strings.TrimSpace(t)
			short := strings.HasPrefix(t, "[")
			t = strings.Trim(t, "[]")
			terms = append(terms, t)
			hf.network[t] = name
			hf.short[t] = short
		}
	}
	kw, err := compileTerms(nz, terms)
	if err != nil {
		return nil, err
	}
	hf.kw = kw
	return hf, nil
}

// handleHit is a handle found in a normalised text.
type handleHit struct {
	start, end int
	value      string // "telegram:john_doe", or the network when no handle is named
}

func (hf *handleFinder) find(n Normalised) []handleHit {
	var out []handleHit
	t := n.Text
	for _, h := range hf.kw.find(n.Words) {
		net := hf.network[h.term]
		tail := t[h.end:]
		head := t[max(0, h.start-80):h.start]
		m := hf.sepRe.FindStringSubmatchIndex(tail)
		if m == nil && hf.mineRe.MatchString(head) {
			// "my insta is jdoe", but not "WhatsApp is installed"
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
			// "bei Fragen einfach per WhatsApp melden"
			out = append(out, handleHit{h.start, h.end + len(hf.verbAfter.FindString(tail)), net})
			continue
		}
		if hf.afterNum.MatchString(head) && isPhoneLike(head[max(0, len(head)-25):]) {
			// "347-1234567 anche WhatsApp": the number is the handle
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
	// An atInvite match is a non-letter and then letters, digits, "_.:@-"
	// and blanks, with an "@": it runs only on such pieces. Its "^" is true
	// at the start of a piece, but there it must be followed by a verb,
	// and a piece after the first starts with a character that is no
	// letter.
	for p := range pieces(t, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsNumber(r) || strings.ContainsRune("_.:@- \t", r)
	}) {
		piece := t[p.start:p.end]
		if strings.IndexByte(piece, '@') < 0 {
			continue
		}
		for _, m := range hf.atInvite.FindAllStringSubmatchIndex(piece, -1) {
			a, b := p.start+m[2], p.start+m[3]
			out = append(out, handleHit{a, b, "@" + t[a+1:b]})
		}
	}
	return out
}

// handleOK accepts a handle after "network:" unless it is an everyday word
// ("Instagram: nein", "Signal: stark"). After a keyword that is itself an
// everyday word ("signal", "messenger"), only "@handle" or a number counts.
func (hf *handleFinder) handleOK(handle, term, raw string) bool {
	if strings.HasPrefix(raw, "@") || isPhoneLike(raw) {
		return true
	}
	if hf.ambiguous[term] || hf.stop[handle] || len(handle) < 3 {
		return false
	}
	return strings.IndexFunc(handle, func(r rune) bool { return isWordRune(r) && !isDigitByte(byte(r)) }) >= 0
}

func isPhoneLike(s string) bool { return countDigits(s) >= 7 }

// socialHosts are link hosts whose path names a handle: a wa.me or t.me
// link is a contact handle as well as a link.
const socialHosts = "wa.me:whatsapp api.whatsapp.com:whatsapp chat.whatsapp.com:whatsapp t.me:telegram telegram.me:telegram " +
	"instagram.com:instagram snapchat.com:snapchat facebook.com:facebook fb.com:facebook m.me:facebook tiktok.com:tiktok " +
	"signal.me:signal line.me:line discord.gg:discord kik.me:kik"
