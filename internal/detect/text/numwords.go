package text

import (
	"strconv"
	"strings"
	"unicode"
)

// numKind says how a number word combines with its neighbours.
type numKind int

const (
	numUnit      numKind = iota // 0–9
	numTeen                     // 10–19
	numTens                     // 20, 30 … 90
	numCompound                 // 21–99 in one word: "dreiundzwanzig", "ventitré"
	numRepeat                   // "double six" = 66
	numConnector                // "vingt et un", "treinta y cuatro"
	numPlus                     // "plus vier neun" = +49
)

type numWord struct {
	kind numKind
	val  int
}

// numberWords builds the number-word table: per language 0–9, 10–19 and
// 20–90 where the language has them, spelling variants and one-word
// compounds. Words that are everyday words elsewhere (Spanish "once",
// German "ein") are left out; a lone number word never converts anyway.
func numberWords() map[string]numWord {
	langs := [...]struct{ units, teens, tens string }{
		{ // en
			"zero one two three four five six seven eight nine",
			"ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
			"twenty thirty forty fifty sixty seventy eighty ninety",
		},
		{ // de
			"null eins zwei drei vier fünf sechs sieben acht neun",
			"zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn",
			"zwanzig dreissig vierzig fünfzig sechzig siebzig achtzig neunzig",
		},
		{ // fr: dix-sept … and soixante-dix … are combined by convertRun
			"zéro un deux trois quatre cinq six sept huit neuf",
			"dix onze douze treize quatorze quinze seize",
			"vingt trente quarante cinquante soixante septante octante nonante",
		},
		{ // it
			"zero uno due tre quattro cinque sei sette otto nove",
			"dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove",
			"venti trenta quaranta cinquanta sessanta settanta ottanta novanta",
		},
		{ // nl
			"nul een twee drie vier vijf zes zeven acht negen",
			"tien elf twaalf dertien veertien vijftien zestien zeventien achttien negentien",
			"twintig dertig veertig vijftig zestig zeventig tachtig negentig",
		},
		{ // es
			"cero uno dos tres cuatro cinco seis siete ocho nueve",
			"diez",
			"veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa",
		},
		{ // pl
			"zero jeden dwa trzy cztery pięć sześć siedem osiem dziewięć",
			"dziesięć",
			"",
		},
	}
	m := map[string]numWord{}
	for _, l := range langs {
		for i, w := range strings.Fields(l.units) {
			m[w] = numWord{numUnit, i}
		}
		for i, w := range strings.Fields(l.teens) {
			m[w] = numWord{numTeen, 10 + i}
		}
		for i, w := range strings.Fields(l.tens) {
			m[w] = numWord{numTens, 20 + 10*i}
		}
	}
	// Spelling variants: umlauts typed as ue/oe or dropped, no accents.
	for _, pair := range strings.Fields("fuenf:fünf funf:fünf zwo:zwei zwoelf:zwölf zwolf:zwölf " +
		"fuenfzehn:fünfzehn fuenfzig:fünfzig fünfzehn:fünfzehn dreißig:dreissig één:een tré:tre " +
		"une:un vingts:vingt huitante:octante piec:pięć szesc:sześć dziewiec:dziewięć") {
		alias, word, _ := strings.Cut(pair, ":")
		m[alias] = m[word]
	}
	// One-word compounds: German and Dutch put the unit first
	// ("dreiundzwanzig", "drieëntwintig"), Italian and Spanish the tens
	// ("ventitré", "ventotto", "veintitrés").
	unitFirst := func(units string, seps []string, tens string) {
		for ti, t := range strings.Fields(tens) {
			for ui, u := range strings.Fields(units) {
				for _, sep := range seps {
					m[u+sep+t] = numWord{numCompound, 20 + 10*ti + ui + 1}
				}
			}
		}
	}
	tensFirst := func(tens string, units string, elide bool) {
		for ti, t := range strings.Fields(tens) {
			for ui, u := range strings.Fields(units) {
				u = strings.TrimPrefix(u, "_")
				stem := t
				if elide && strings.ContainsRune("aeiou", rune(u[0])) {
					stem = strings.TrimRight(t, "aeiou") // venti+uno → ventuno
				}
				m[stem+u] = numWord{numCompound, 20 + 10*ti + ui%9 + 1}
			}
		}
	}
	unitFirst("ein zwei drei vier fünf sechs sieben acht neun", []string{"und"}, langs[1].tens)
	unitFirst("een twee drie vier vijf zes zeven acht negen", []string{"en", "ën"}, langs[4].tens)
	tensFirst(langs[3].tens, "uno due tre quattro cinque sei sette otto nove _uno _due tré _quattro _cinque _sei _sette _otto _nove", true)
	tensFirst("veinti", "uno dos tres cuatro cinco seis siete ocho nueve _uno dós trés _cuatro _cinco séis _siete _ocho _nueve", false)
	for _, pair := range strings.Fields("double:2 triple:3 doppel:2 doppio:2 dubbel:2 tripel:3") {
		w, n, _ := strings.Cut(pair, ":")
		v, _ := strconv.Atoi(n)
		m[w] = numWord{numRepeat, v}
	}
	m["et"] = numWord{kind: numConnector}
	m["y"] = numWord{kind: numConnector}
	m["plus"] = numWord{kind: numPlus}
	return m
}

// spelledNumbers turns runs of spelled-out digits into digits: "null eins
// fünf eins" → "0151", "zéro six, douze, trente-quatre" → "061234". Only a
// run of at least two number words converts, because single words like
// "one", "un", "neuf" or "sei" are everyday words. When a run holds two
// words and seven digits or more, it is a number spelled out for a reason
// and its separators go too, so that it reads as one number.
func (nz *normaliser) spelledNumbers(s string) []edit {
	toks := tokens(s, func(r rune) int {
		switch {
		case unicode.IsLetter(r):
			return 1
		case unicode.IsDigit(r):
			return 2
		}
		return 0
	})
	var edits []edit
	for i := 0; i < len(toks); {
		j, words := nz.numberRun(s, toks, i)
		if words >= 2 {
			edits = append(edits, nz.convertRun(s, toks[i:j])...)
		}
		i = max(j, i+1)
	}
	return edits
}

// numberRun returns the end of the run of number tokens starting at toks[i]
// and how many of them are words.
func (nz *normaliser) numberRun(s string, toks []token, i int) (end, words int) {
	j := i
	for ; j < len(toks); j++ {
		t := toks[j]
		w := s[t.start:t.end]
		if j > i && !numberSep(s[toks[j-1].end:t.start]) {
			break
		}
		if isDigits(w) {
			continue
		}
		nw, ok := nz.numbers[w]
		if !ok || (nw.kind == numPlus && j > i) {
			break
		}
		if nw.kind == numConnector && !(j > i && j+1 < len(toks) && nz.kindOf(s, toks[j-1]) == numTens && nz.isUnitOrTeen(s, toks[j+1])) {
			break
		}
		words++
	}
	return j, words
}

func (nz *normaliser) kindOf(s string, t token) numKind {
	nw, ok := nz.numbers[s[t.start:t.end]]
	if !ok {
		return -1
	}
	return nw.kind
}

func (nz *normaliser) isUnitOrTeen(s string, t token) bool {
	k := nz.kindOf(s, t)
	return k == numUnit || k == numTeen
}

// numberSep: blanks and at most one of , . / - between number tokens.
func numberSep(sep string) bool {
	core := strings.Trim(sep, " \t")
	return len(core) <= 1 && (core == "" || strings.ContainsAny(core, ",./-"))
}

func isDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// numPart is a converted piece of a run: the bytes it covers and its digits.
type numPart struct {
	start, end int
	digits     string
	word       bool
}

// convertRun converts one run, combining tens and units ("twenty three",
// "vingt et un", "soixante-dix-huit", "quatre-vingt-dix").
func (nz *normaliser) convertRun(s string, run []token) []edit {
	var parts []numPart
	word := func(k int) (string, numWord) {
		w := s[run[k].start:run[k].end]
		return w, nz.numbers[w]
	}
	next := func(k int) (string, numWord, bool) {
		if k+1 >= len(run) {
			return "", numWord{}, false
		}
		w, nw := word(k + 1)
		_, ok := nz.numbers[w]
		return w, nw, ok
	}
	tens, tensStart, tensEnd := 0, 0, 0
	repeat, repeatStart := 1, -1
	flush := func() {
		if tens > 0 {
			parts = append(parts, numPart{tensStart, tensEnd, strconv.Itoa(tens), true})
			tens = 0
		}
	}
	emit := func(start, end int, v int) {
		d := strings.Repeat(strconv.Itoa(v), repeat)
		if repeatStart >= 0 {
			start = repeatStart
		}
		parts = append(parts, numPart{start, end, d, true})
		repeat, repeatStart = 1, -1
	}
	for k := 0; k < len(run); k++ {
		t := run[k]
		w, nw := word(k)
		if isDigits(w) {
			flush()
			parts = append(parts, numPart{t.start, t.end, w, false})
			continue
		}
		switch nw.kind {
		case numPlus:
			parts = append(parts, numPart{t.start, t.end, "+", true})
		case numRepeat:
			flush()
			repeat, repeatStart = nw.val, t.start
		case numConnector:
			// validated by numberRun: tens before, unit or teen after
		case numUnit:
			if nw2, nnw, ok := next(k); ok && w == "quatre" && nnw.kind == numTens && nw2 == "vingt" {
				flush()
				tens, tensStart, tensEnd = 80, t.start, run[k+1].end
				k++
				continue
			}
			if tens >= 20 || (tens == 10 && nw.val >= 7) {
				parts = append(parts, numPart{tensStart, t.end, strconv.Itoa(tens + nw.val), true})
				tens = 0
				continue
			}
			flush()
			emit(t.start, t.end, nw.val)
		case numTeen:
			if _, nnw, ok := next(k); ok && (tens == 60 || tens == 80) && w == "dix" && nnw.kind == numUnit && nnw.val >= 7 {
				tens, tensEnd = tens+10, t.end // soixante-dix-huit = 60+10+8
				continue
			}
			if tens == 60 || tens == 80 {
				parts = append(parts, numPart{tensStart, t.end, strconv.Itoa(tens + nw.val), true})
				tens = 0
				continue
			}
			flush()
			if _, nnw, ok := next(k); ok && w == "dix" && nnw.kind == numUnit && nnw.val >= 7 {
				tens, tensStart, tensEnd = 10, t.start, t.end
				continue
			}
			emit(t.start, t.end, nw.val)
		case numTens, numCompound:
			flush()
			if nw.kind == numCompound {
				emit(t.start, t.end, nw.val)
				continue
			}
			tens, tensStart, tensEnd = nw.val, t.start, t.end
		}
	}
	flush()
	words, digits := 0, 0
	for _, p := range parts {
		if p.word {
			words++
		}
		digits += len(strings.Trim(p.digits, "+"))
	}
	collapse := words >= 2 && digits >= 7
	var edits []edit
	for i, p := range parts {
		if p.word {
			edits = append(edits, edit{p.start, p.end, p.digits})
		}
		if collapse && i+1 < len(parts) && p.end < parts[i+1].start {
			edits = append(edits, edit{p.end, parts[i+1].start, ""})
		}
	}
	return edits
}
