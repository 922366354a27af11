package text

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Scam script names, the Value of a scam.script finding.
const (
	ScriptOffPlatform  = "off_platform_payment"
	ScriptUrgency      = "urgency"
	ScriptAdvanceFee   = "advance_fee"
	ScriptFakeShipping = "fake_shipping"
)

// scamScript is one known scam script. A strong phrase fires on its own
// ("Western Union", "pay the courier", "Kaution vor der Besichtigung");
// weak signals ("dringend", "IBAN", "I am abroad") fire only when two
// different ones of the same script appear in the same text ("dringend"
// and "sofort", "Überweisung" and "IBAN"), so a single mild word such as
// "urgent", however often repeated, never does.
type scamScript struct {
	name, detail string
	strong, weak *regexp.Regexp
	// except, when it matches the sentence of a match, cancels it: paying
	// "directly" in cash at pickup is an ordinary local deal.
	except *regexp.Regexp
}

// scamHit is one scam-script match in a normalised text.
type scamHit struct {
	start, end int
	script     *scamScript
	weak       int // number of distinct weak signals behind it; 0 for a strong phrase
}

// Building blocks shared by the scripts (lower case, normalised text).
const (
	payVerb   = `(?:pay|paid|paying|payment|zahl|bezahl|überweis|ueberweis|pai|payer|paie|paiement|pag|betaal|betalen|betaling|pagar|pago|send|schick|envoie|invia|stuur)\w*`
	transfer  = `(?:bank\s*transfer|wire\s*transfer|überweisung|ueberweisung|virement|bonifico|overmaken|overschrijving|transferencia|przelew)`
	bankData  = `(?:iban|kontonummer|bankverbindung|bankdaten|bank\s*details|account\s*number|coordonnées\s+bancaires|rib|numero\s+di\s+conto|rekeningnummer|numero\s+de\s+cuenta)`
	outside   = `(?:direct\w*|outside|außerhalb|ausserhalb|statt|instead|anstatt|ohne|without|sans|senza|zonder|sin|hors|fuori|buiten|rechtstreeks|not\s+(?:through|via|over)|nicht\s+über|(?:fees?|gebühr\w*|frais|commission\w*|kosten)\s+(?:sparen|save|éviter|evitare|besparen))`
	gift      = `(?:gift\s*cards?|geschenk\s*karten?|gutschein\s*karten?|gutscheine?|cartes?\s*cadeaux?|buoni?\s*regalo|carte?\s*regalo|cadeau\s*kaart(?:en)?|cadeaubon(?:nen)?|tarjetas?\s*regalo|itunes\s*(?:cards?|karten?)|google\s*play\s*(?:cards?|karten?|codes?)|steam\s*(?:cards?|karten?)|paysafe\s*cards?|apple\s*(?:gift\s*)?cards?)`
	crypto    = `(?:bitcoins?|btc|crypto\w*|krypto\w*|usdt|tether|ethereum|litecoin|binance)`
	deposit   = `(?:deposit|kaution|anzahlung|caution|acompte|arrhes|caparra|acconto|deposito|borg|aanbetaling|fianza|señal|depozyt|zaliczk\w*|first\s+month'?s?\s+rent|erste\s+monatsmiete|premier\s+(?:mois|loyer)|primo\s+(?:mese|affitto)|eerste\s+maand(?:huur)?|reservation\s+fee|reservierungsgebühr)`
	beforeSee = `(?:vorher|beforehand|before\s+(?:the\s+|a\s+|any\s+)?(?:viewing|visit|seeing)|without\s+(?:a\s+)?(?:viewing|visit)|vor\s+(?:der\s+|einer\s+)?besichtigung|ohne\s+besichtigung|vorab|im\s+voraus|in\s+advance|upfront|up\s+front|avant\s+(?:la\s+|une\s+)?visite|sans\s+visite|d'avance|à\s+l'avance|prima\s+(?:della|di)\s+(?:visita|vedere)|senza\s+visita|in\s+anticipo|vooraf|voor\s+(?:de\s+)?bezichtiging|zonder\s+bezichtiging|antes\s+de\s+(?:la\s+)?visita|por\s+adelantado|przed\s+obejrzeniem)`
	keys      = `(?:keys?|schlüssel|clés?|clefs?|chiavi|sleutels?|llaves?|klucz\w*)`
	courier   = `(?:courier|kurier|coursier|transporteur|livreur|corriere|spedizioniere|koerier|expediteur|transportista|mensajero|spediteur|spedition|` +
		`(?:shipping|delivery|transport|logistics)\s+(?:agent|company|firm)|transportbedrijf|transportfirma|transportunternehmen|` +
		`société\s+de\s+transport|ditta\s+di\s+trasport\w*|empresa\s+de\s+transporte)`
	carrier = `(?:dhl|ups|fedex|dpd|gls|hermes|tnt|usps|royal\s+mail|postnl|bpost|chronopost|colissimo|` + courier + `)`
	collect = `(?:collect|pick\s*(?:it\s+|the\s+\w+\s+)?up|abholen|holen|récupérer|enlever|chercher|ritirare|prendere|ophalen|recoger)`
	will    = `(?:will|wird|werden|kommt|va|vont|viendra|viene|verrà|komt|zal|vendrá|is\s+going\s+to)`
	possess = `(?:my|mein\w*|mon|ma|il\s+mio|la\s+mia|mijn|mi)`
	// atYours is where a buyer's "courier" collects: at the seller's.
	atYours = `(?:from\s+you\w*|at\s+your\s+\w+|bei\s+(?:dir|ihnen|euch)|chez\s+(?:vous|toi)|à\s+(?:votre|ton)\s+domicile|da\s+(?:te|voi|lei)|a\s+casa\s+tua|bij\s+(?:jou|u)|en\s+tu\s+casa)`
	// payLater is a seller's "shipping after payment", which is ordinary
	// on its own and a sign only with another advance-fee signal.
	payFirst = `(?:versand|shipping|envoi|spedizione|verzending|envío)\s+(?:erst\s+|only\s+|seulement\s+|solo\s+|pas\s+)?(?:nach|after|après|dopo|na|tras)\s+(?:der\s+)?(?:zahlung|payment|paiement|pagamento|betaling|pago|überweisung|eingang)`
	someone  = `(?:someone\s+else|another\s+buyer|jemand\w*\s+ander\w*|ander\w*\s+(?:käufer|interessent\w*)|quelqu'un\s+d'autre|un\s+autre\s+acheteur|qualcun\s+altro|un\s+altro\s+acquirente|iemand\s+anders|een\s+andere\s+koper|otra\s+persona|otro\s+comprador)`
	platform = `(?:platform|plattform|plateforme|piattaforma|plataforma|app|site|seite|website)`
	within   = `(?:within|innerhalb|binnen|entro|dans\s+les|dans|en\s+menos\s+de)\s+(?:\d+|einer|one|an?|une|un|un'|een)\s*(?:hours?|stunden?|minutes?|minuten?|heures?|ore|ora|uur|horas?)`
)

// near matches a and b in either order with at most n characters between
// them, inside one sentence.
func near(a, b string, n int) string {
	gap := `[^.!?\n]{0,` + strconv.Itoa(n) + `}?`
	return `(?:` + a + `)` + gap + `(?:` + b + `)|(?:` + b + `)` + gap + `(?:` + a + `)`
}

func newScamScripts() []*scamScript {
	// One anchored expression per script and strength, tried at word
	// starts (wordSet).
	compile := func(ps ...string) *regexp.Regexp {
		return regexp.MustCompile(`^(?:(?:` + strings.Join(ps, `)|(?:`) + `))`)
	}
	return []*scamScript{
		{
			name:   ScriptOffPlatform,
			detail: "asks to pay outside the platform",
			strong: compile(
				`western\s*union|money\s*gram|ria\s+money\s+transfer|world\s*remit`,
				`friends?\s*(?:&|and|n|\+)\s*family|(?:send|senden|envoyer|inviare)\s+(?:it\s+|es\s+)?(?:as|als|comme|come)\s+(?:a\s+)?(?:friends?|freund\w*|amis?|amic[oi])|freunde\s*(?:&|und|\+)\s*familie|amis\s*(?:&|et)\s*(?:la\s+)?famille|amici\s*(?:&|e)\s*(?:famiglia|parenti)|vrienden\s*(?:&|en)\s*familie|amigos\s*(?:&|y)\s*familia|paypal\s*(?:f&f|ff|f\+f|fnf)|paypal\s+(?:an\s+)?(?:freunde|privat)`,
				near(payVerb, gift, 40),
				near(payVerb, crypto, 40),
				near(transfer+`|`+bankData, outside, 40),
				`(?:pay|zahl\w*|bezahl\w*|überweis\w*|payer|paie[rz]?|paga\w*|betaal|betalen|pagar|send)(?:\s+(?:me|mir|moi|mi|mij|the|das|le|il|het|el|money|geld|argent|soldi|geld|betrag|amount|it|es))*\s+(?:directly|direkt|directement|direttamente|rechtstreeks|directamente)`,
				`(?:ohne|without|sans|senza|zonder|sin)\s+(?:den\s+|la\s+|il\s+)?(?:käuferschutz|buyer\s*protection|protection\s+(?:des\s+)?acheteurs?|protezione\s+(?:acquirenti|dell'acquirente)|kopersbescherming|protección\s+al\s+comprador)`,
				`(?:not|nicht|pas|non|niet|no)\s+(?:through|via|über|par|tramite|per|por)\s+(?:the\s+|die\s+|la\s+|il\s+|de\s+)?`+platform,
				`(?:outside|außerhalb|ausserhalb|en\s+dehors\s+de|fuori\s+(?:dalla|da)|buiten|fuera\s+de)\s+(?:the\s+|der\s+|la\s+|de\s+|dalla\s+)?`+platform,
				`(?:niente|senza|without|ohne|sans|zonder|sin)\s+(?:la\s+|die\s+|the\s+|de\s+)?`+platform,
				`ricarica\s+poste\s*pay|postepay\s+evolution`,
			),
			weak: compile(transfer, bankData),
			except: regexp.MustCompile(`(?:bei|at|on|upon|à\s+la|al|bij|en\s+la|in)\s+(?:der\s+|the\s+)?(?:abholung|pickup|pick-up|collection|übergabe|remise|ritiro|consegna|ophalen|entrega|person)|` +
				`(?:^|[^\p{L}])(?:bar|cash|espèces|contanti|contant|efectivo)(?:[^\p{L}]|$)`),
		},
		{
			name:   ScriptUrgency,
			detail: "pressures the other side to act at once",
			strong: compile(
				`today\s+only|only\s+today|nur\s+(?:noch\s+)?heute|heute\s+noch\s+(?:bezahl|überweis|zahl)\w*|aujourd'hui\s+seulement|seulement\s+aujourd'hui|solo\s+oggi|oggi\s+stesso|alleen\s+vandaag|vandaag\s+nog\s+(?:betal|overmak)\w*|solo\s+hoy`,
				`(?:other|andere|autres|altre|altri|otras|otros)\s+(?:people|leute|personen|personnes|persone|mensen|personas|buyers|käufer|acheteurs|acquirenti|kopers|compradores)\s+(?:are\s+|sind\s+|sont\s+|sono\s+|zijn\s+|están\s+)?(?:waiting|warten|attendent|aspettano|wachten|esperan|interested|interessiert|intéressé\w*|interessat\w*|geïnteresseerd)|`+
					`(?:many|lots\s+of|several|other)\s+(?:other\s+)?(?:buyers|interested\s+(?:people|buyers|parties))|(?:viele|mehrere|weitere|andere)\s+(?:andere\s+)?(?:interessenten|käufer|anfragen)|(?:beaucoup|plein|plusieurs)\s+d'(?:autres\s+)?(?:acheteurs|personnes\s+intéressées)|d'autres\s+acheteurs|(?:molti|tanti|altri)\s+(?:altri\s+)?(?:acquirenti|interessati)|(?:veel|andere)\s+(?:andere\s+)?(?:kopers|gegadigden|geïnteresseerden)|(?:muchos|otros)\s+(?:otros\s+)?(?:compradores|interesados)`,
				near(payVerb, within, 30),
				`(?:sonst|otherwise|or\s+else|sinon|altrimenti|anders|de\s+lo\s+contrario)[^.!?\n]{0,30}?`+someone,
				`(?:sell|verkauf\w*|vend\w*|verkoop\w*)[^.!?\n]{0,25}?`+someone,
				`first\s+(?:one\s+)?to\s+pay|wer\s+zuerst\s+(?:bezahlt|zahlt|überweist)|premier\s+(?:qui\s+paie|à\s+payer)|chi\s+paga\s+prima|wie\s+eerst\s+betaalt|el\s+primero\s+que\s+pague`,
			),
			weak: compile(
				`urgent|urgently|dringend|urgente|urgentemente|asap|hurry|beeil\w*|sofort|immediately|immédiatement|subito|immediatamente|meteen|onmiddellijk|inmediatamente`,
				`last\s+chance|letzte\s+chance|dernière\s+chance|ultima\s+(?:occasione|possibilità)|laatste\s+kans|última\s+oportunidad`,
				`right\s+now|jetzt\s+sofort|tout\s+de\s+suite|adesso|nu\s+meteen|ahora\s+mismo`,
			),
		},
		{
			name:   ScriptAdvanceFee,
			detail: "asks for money before the goods or the rental can be seen",
			strong: compile(
				near(deposit, beforeSee, 50),
				near(`airbnb`, keys+`|`+deposit+`|`+payVerb, 50),
			),
			weak: compile(
				`(?:i\s+am|i'm|im|currently)\s+(?:currently\s+|now\s+|living\s+|working\s+)?(?:abroad|overseas|out\s+of\s+the\s+country)|(?:bin|lebe|wohne|arbeite)\s+(?:\w+\s+){0,2}im\s+ausland|je\s+(?:suis|vis|travaille)\s+(?:actuellement\s+)?à\s+l'étranger|(?:sono|vivo|lavoro)\s+(?:attualmente\s+)?all'estero|(?:ik\s+ben|ik\s+woon|ik\s+werk)\s+(?:momenteel\s+|nu\s+)?in\s+het\s+buitenland|estoy\s+en\s+el\s+extranjero|(?:jestem|mieszkam)\s+za\s+granicą`,
				deposit,
				keys+`[^.!?\n]{0,30}?(?:send|schick|envoie|invio|mando|stuur|envío)\w*|(?:send|schick|envoie|invio|mando|stuur|envío)\w*[^.!?\n]{0,30}?`+keys,
				keys+`[^.!?\n]{0,30}?(?:by|per|via|par|con|por|pocztą|in\s+the|mit\s+der)\s+(?:post|mail|courier|kurier|la\s+poste|posta|correo|koerier|dhl)`,
				payFirst,
			),
		},
		{
			name:   ScriptFakeShipping,
			detail: "uses a shipping-agent or courier story",
			strong: compile(
				possess+`\s+(?:own\s+|private\s+|eigene[nr]?\s+|personal\s+)?(?:agent|`+courier+`)`,
				carrier+`[^.!?\n]{0,30}?`+will+`[^.!?\n]{0,30}?`+collect+`[^.!?\n]{0,30}?`+atYours,
				carrier+`[^.!?\n]{0,30}?`+will+`[^.!?\n]{0,30}?`+atYours+`[^.!?\n]{0,30}?`+collect,
				`(?:dhl|ups|fedex|dpd|gls|hermes|`+courier+`)\s+holt\s+[^.!?\n]{0,30}?`+atYours+`\s+ab`,
				`(?:pay|bezahl\w*|zahl\w*|payer|paie|paye|pagare|paga|pago|pagherò|betaal|betalen|pagar)\s+(?:the\s+|den\s+|dem\s+|le\s+|la\s+|il\s+|al\s+|de\s+)?`+courier,
				`(?:send|schick\w*|envoie|invio|mando|manderò|stuur|envío)\s+(?:a\s+|einen\s+|un\s+|il\s+mio\s+|een\s+|mijn\s+)?(?:courier|kurier|coursier|transporteur|corriere|koerier|driver|fahrer|chauffeur|autista)`,
			),
			weak: compile(courier),
		},
	}
}

// scamSet is the known scam scripts, matched in one pass over a text.
type scamSet struct {
	scripts []*scamScript
	words   *wordSet // scripts[k].strong is expression 2k, scripts[k].weak 2k+1
}

func newScamSet() *scamSet {
	scripts := newScamScripts()
	var res []*regexp.Regexp
	for _, sc := range scripts {
		res = append(res, sc.strong, sc.weak)
	}
	return &scamSet{scripts: scripts, words: newWordSet(false, res...)}
}

// find returns the scripts' matches in t, script by script: every strong
// phrase, and weak signals of scripts that have two different ones.
func (ss *scamSet) find(t string) []scamHit {
	ms := ss.words.find(t)
	var out []scamHit
	for k, s := range ss.scripts {
		out = s.hits(t, ms[2*k], ms[2*k+1], out)
	}
	return out
}

// hits appends to out the script's strong matches in t, and its weak ones
// when they are two different signals or more.
func (s *scamScript) hits(t string, strong, weak [][2]int, out []scamHit) []scamHit {
	for _, m := range strong {
		if s.except == nil || !s.except.MatchString(sentence(t, m[0], m[1])) {
			out = append(out, scamHit{m[0], m[1], s, 0})
		}
	}
	if len(weak) < 2 {
		return out
	}
	signals := make([]string, len(weak))
	for i, m := range weak {
		signals[i] = t[m[0]:m[1]]
	}
	slices.Sort(signals)
	if kinds := len(slices.Compact(signals)); kinds >= 2 {
		for _, m := range weak {
			out = append(out, scamHit{m[0], m[1], s, kinds})
		}
	}
	return out
}

// sentence returns the sentence of t around [a, b).
func sentence(t string, a, b int) string {
	start := strings.LastIndexAny(t[:a], ".!?\n") + 1
	end := len(t)
	if i := strings.IndexAny(t[b:], ".!?\n"); i >= 0 {
		end = b + i
	}
	return t[start:end]
}
