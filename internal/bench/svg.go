package bench

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"time"
)

// Chart draws the report as a self-contained SVG: one panel of
// throughput as a share of the no-op at the same clients, one of p99
// latency (log scale), and one of resident memory, each result a bar
// coloured by its verdict, each target a dashed line across its bar. No
// script, no external font: it renders the same in a browser, an image
// viewer or a README.
func (r *Report) Chart() []byte {
	const (
		width   = 900
		label   = 210 // the names' column
		barH    = 16
		gap     = 6
		plotW   = width - label - 130
		heading = 46
	)
	var body bytes.Buffer
	y := 0
	text := func(x, y int, anchor, class, s string) {
		fmt.Fprintf(&body, `<text x="%d" y="%d" text-anchor="%s" class="%s">%s</text>`+"\n", x, y, anchor, class, esc(s))
	}
	colour := func(name string) string {
		vs := r.verdicts(name)
		if len(vs) == 0 {
			return "none"
		}
		for _, v := range vs {
			if !v.Pass {
				return "miss"
			}
		}
		return "pass"
	}
	type bar struct {
		name    string
		value   float64 // in the panel's unit
		text    string
		targets []float64
	}
	panel := func(id, title, axis string, bars []bar, scale func(float64) float64, ticks []float64, tickText func(float64) string) {
		if len(bars) == 0 {
			return
		}
		fmt.Fprintf(&body, `<g class="panel" id="%s">`+"\n", id)
		y += 28
		text(0, y, "start", "title", title)
		y += 10
		top := y
		for _, b := range bars {
			w := scale(b.value) * plotW
			fmt.Fprintf(&body, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`+"\n", label-8, y+barH-4, esc(b.name))
			fmt.Fprintf(&body, `<rect class="bar %s" x="%d" y="%d" width="%.1f" height="%d"><title>%s: %s</title></rect>`+"\n",
				colour(b.name), label, y, math.Max(w, 1), barH, esc(b.name), esc(b.text))
			text(label+int(math.Max(w, 1))+6, y+barH-4, "start", "value", b.text)
			for _, t := range b.targets {
				x := label + scale(t)*plotW
				fmt.Fprintf(&body, `<line class="target" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`+"\n", x, y-3, x, y+barH+3)
			}
			y += barH + gap
		}
		for _, t := range ticks {
			x := label + scale(t)*plotW
			fmt.Fprintf(&body, `<line class="grid" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`+"\n", x, top-2, x, y)
			text(int(x), y+12, "middle", "tick", tickText(t))
		}
		text(label+plotW/2, y+26, "middle", "axis", axis)
		y += 30
		body.WriteString("</g>\n")
	}

	// Throughput: the share of the no-op, capped at the panel's end.
	var thr []bar
	maxRatio := 1.0
	for _, res := range r.Results {
		if res.RSSBytes > 0 || res.ItemsPerS <= 0 {
			continue
		}
		base := r.Baseline(res.Clients)
		b := bar{name: res.Name, value: ratio(res, base), text: fmt.Sprintf("%.1f%% (%s/s)", 100*ratio(res, base), thousands(res.ItemsPerS))}
		for _, v := range r.verdicts(res.Name) {
			switch v.Target.Kind {
			case RatioAtLeast:
				b.targets = append(b.targets, v.Target.Value)
			case RateAtLeast:
				if base.ItemsPerS > 0 {
					b.targets = append(b.targets, v.Target.Value/base.ItemsPerS)
				}
			}
		}
		maxRatio = math.Max(maxRatio, b.value)
		for _, t := range b.targets {
			maxRatio = math.Max(maxRatio, t)
		}
		thr = append(thr, b)
	}
	maxRatio = math.Ceil(maxRatio*4) / 4
	var ticks []float64
	for t := 0.0; t <= maxRatio+1e-9; t += math.Max(0.25, math.Ceil(maxRatio/5*4)/4) {
		ticks = append(ticks, t)
	}
	panel("throughput", "Throughput, share of the no-op JSON handler at the same clients", "% of the no-op's items per second (dashed: target)",
		thr, func(v float64) float64 { return math.Min(v, maxRatio) / maxRatio }, ticks, func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) })

	// Latency: p99 on a log scale from 100 µs.
	var lat []bar
	hi := float64(100 * time.Millisecond)
	for _, res := range r.Results {
		if res.RSSBytes > 0 || res.P99 <= 0 {
			continue
		}
		b := bar{name: res.Name, value: float64(res.P99), text: "p99 " + roundDuration(res.P99) + ", p50 " + roundDuration(res.P50)}
		for _, v := range r.verdicts(res.Name) {
			if v.Target.Kind == P99AtMost {
				b.targets = append(b.targets, float64(v.Target.Bound))
			}
		}
		hi = math.Max(hi, b.value)
		lat = append(lat, b)
	}
	lo := float64(100 * time.Microsecond)
	decades := math.Ceil(math.Log10(hi / lo))
	logScale := func(v float64) float64 {
		return math.Max(0, math.Min(1, math.Log10(math.Max(v, lo)/lo)/decades))
	}
	ticks = nil
	for d := 0.0; d <= decades; d++ {
		ticks = append(ticks, lo*math.Pow(10, d))
	}
	panel("latency", "Latency, 99th percentile", "p99, log scale (dashed: target)", lat, logScale, ticks,
		func(v float64) string { return roundDuration(time.Duration(v)) })

	// Memory.
	var mem []bar
	top := float64(1 << 30)
	for _, res := range r.Results {
		if res.RSSBytes == 0 {
			continue
		}
		b := bar{name: res.Name, value: float64(res.RSSBytes), text: "RSS " + bytesText(res.RSSBytes) + ", peak " + bytesText(res.PeakRSSBytes)}
		for _, v := range r.verdicts(res.Name) {
			if v.Target.Kind == RSSAtMost {
				b.targets = append(b.targets, v.Target.Value)
			}
		}
		top = math.Max(top, b.value)
		for _, t := range b.targets {
			top = math.Max(top, t)
		}
		mem = append(mem, b)
	}
	top = math.Ceil(top/(1<<29)) * (1 << 29)
	ticks = nil
	for t := 0.0; t <= top; t += 1 << 29 {
		ticks = append(ticks, t)
	}
	panel("memory", "Resident memory", "VmRSS (dashed: target)", mem, func(v float64) float64 { return math.Min(v, top) / top }, ticks,
		func(v float64) string { return fmt.Sprintf("%.1f GiB", v/(1<<30)) })

	var out bytes.Buffer
	height := heading + y + 10
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	out.WriteString(`<style>
.title{font-size:14px;font-weight:bold} .label{fill:#222} .value,.tick,.axis{fill:#555;font-size:11px}
.bar.pass{fill:#2e8540} .bar.miss{fill:#c0392b} .bar.none{fill:#7f8c8d}
.target{stroke:#111;stroke-width:2;stroke-dasharray:3,2} .grid{stroke:#ddd;stroke-width:1}
</style>
`)
	fmt.Fprintf(&out, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", width, height)
	sub := fmt.Sprintf("%s, GOMAXPROCS %d, %s, %s", r.Dialect, r.Machine.GOMAXPROCS, r.Machine.GoVersion, r.Machine.Date.Format("2006-01-02 15:04 MST"))
	if r.Data.Listings > 0 || r.Data.OpenCases > 0 {
		sub += fmt.Sprintf("; %s listings, %s open cases", thousands(float64(r.Data.Listings)), thousands(float64(r.Data.OpenCases)))
	}
	fmt.Fprintf(&out, `<text x="10" y="22" class="title">vigil bench: %s</text>`+"\n", esc(sub))
	fmt.Fprintf(&out, `<text x="10" y="38" class="axis">green: every target met; red: a target missed; grey: no target</text>`+"\n")
	fmt.Fprintf(&out, `<g transform="translate(10,%d)">`+"\n", heading)
	out.Write(body.Bytes())
	out.WriteString("</g>\n</svg>\n")
	return out.Bytes()
}

// esc escapes s for XML text and attributes.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
