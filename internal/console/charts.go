package console

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/store"
)

// The dashboard's charts are SVG drawn on the server: no script library,
// and no inline styles, which the content security policy forbids. Go
// computes every bar's place in the SVG's own coordinates (attributes such
// as x and height are not styles); the stylesheet colours them by class.

// Chart geometry, in SVG units. The SVG scales to its box and keeps these
// proportions.
const (
	chartWidth  = 480
	chartHeight = 176
	chartLeft   = 36  // the plot's left edge; the y-axis labels go left of it
	chartRight  = 472 // its right edge
	chartTop    = 10
	chartBase   = 150 // the x axis; the day labels go below it
)

// barChart is one chart of the "bar-chart" partial: a value, or several
// side by side, per day.
type barChart struct {
	ID, Title string
	// Desc says what the chart shows, for screen readers (the figures
	// themselves are in the table below the charts); Empty says why no
	// bar is drawn, when none is.
	Desc, Empty string
	Series      []chartSeries
	Bars        []chartBar
	Ticks       []chartTick
	Labels      []chartLabel
	// The SVG's size, the places of its axes and labels, and the plot's
	// middle, for the template.
	Width, Height, Left, Right, TickX, LabelY, Middle, MiddleY float64
}

// chartSeries is one kind of bar: its legend and the stylesheet class that
// colours it, and its values per day (NaN where a day has none, such as
// the SLA compliance of a day on which no case closed).
type chartSeries struct {
	Name, Class string
	Values      []float64
}

// chartBar is one drawn bar with its tooltip.
type chartBar struct {
	X, Y, W, H   float64
	Class, Title string
}

// chartTick is a horizontal grid line with its value.
type chartTick struct {
	Y     float64
	Label string
}

// chartLabel is a day named under the x axis.
type chartLabel struct {
	X            float64
	Text, Anchor string
}

// round1 rounds an SVG coordinate to a tenth, plenty at any size and
// short in the page.
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// niceCeil is the round number (1, 2 or 5 times a power of ten) at or
// above x, and at least least: the top of a chart's scale.
func niceCeil(x, least float64) float64 {
	x = math.Max(x, least)
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// highest is the largest value of the series, ignoring days without one.
func highest(series []chartSeries) float64 {
	top := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				top = math.Max(top, v)
			}
		}
	}
	return top
}

// newBarChart lays out the series over spans of time (hours or days,
// starting at when) on a scale from 0 to top; unit follows each value in
// the ticks and tooltips ("%", " h"). Charts of counts are whole: they
// have no grid line at a fraction.
func newBarChart(id, title, unit string, whole bool, when []time.Time, span time.Duration, top float64, series ...chartSeries) barChart {
	ch := barChart{ID: id, Title: title, Series: series, Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartRight,
		TickX: chartLeft - 6, LabelY: chartHeight - 8, Middle: (chartLeft + chartRight) / 2, MiddleY: (chartTop + chartBase) / 2,
		Empty: "Nothing to show for this period."}
	n := len(when)
	if n == 0 {
		return ch
	}
	per, layout := "day", "2 Jan"
	if span < 24*time.Hour {
		per, layout = "hour", "15:04"
	}
	dayName := func(i int) string { return when[i].Format(layout) }
	ch.Desc = fmt.Sprintf("%s per %s from %s to %s.", title, per, dayName(0), dayName(n-1))
	height := float64(chartBase - chartTop)
	for _, f := range []float64{0, 0.5, 1} {
		if v := f * top; !whole || v == math.Trunc(v) {
			ch.Ticks = append(ch.Ticks, chartTick{Y: round1(chartBase - f*height), Label: number(v) + unit})
		}
	}
	slot := float64(chartRight-chartLeft) / float64(n)
	group := slot * 0.75
	width := group / float64(len(series))
	for i := range when {
		for j, s := range series {
			v := s.Values[i]
			if math.IsNaN(v) || v <= 0 {
				continue
			}
			h := math.Min(v, top) / top * height
			ch.Bars = append(ch.Bars, chartBar{X: round1(chartLeft + float64(i)*slot + (slot-group)/2 + float64(j)*width), Y: round1(chartBase - h),
				W: round1(width), H: round1(h), Class: s.Class, Title: fmt.Sprintf("%s · %s: %s%s", dayName(i), s.Name, number(v), unit)})
		}
	}
	if len(ch.Bars) > 0 {
		ch.Empty = ""
	} else {
		ch.Ticks = ch.Ticks[:1] // the baseline; grid lines would cross the note
	}
	for _, l := range []struct {
		i      int
		anchor string
	}{{0, "start"}, {n / 2, "middle"}, {n - 1, "end"}} {
		x := chartLeft + (float64(l.i)+0.5)*slot
		switch l.anchor {
		case "start":
			x = chartLeft
		case "end":
			x = chartRight
		}
		ch.Labels = append(ch.Labels, chartLabel{X: round1(x), Text: dayName(l.i), Anchor: l.anchor})
	}
	return ch
}

// queueCharts draws the queue's history over spans of the given length:
// its depth at the end of each, the cases opened and closed, the share
// closed within their SLA, the mean age of the cases closed, and the
// decisions automated and by people.
func queueCharts(days []store.CaseBucket, span time.Duration) []barChart {
	when := make([]time.Time, len(days))
	depth, opened, closed, inSLA, age, automated := make([]float64, len(days)), make([]float64, len(days)), make([]float64, len(days)),
		make([]float64, len(days)), make([]float64, len(days)), make([]float64, len(days))
	for i, d := range days {
		when[i] = d.Start
		depth[i], opened[i], closed[i], automated[i] = float64(d.Open), float64(d.Opened), float64(d.Closed), float64(d.Automated)
		inSLA[i], age[i] = math.NaN(), math.NaN()
		if d.Closed > 0 {
			inSLA[i], age[i] = 100*float64(d.ClosedInSLA)/float64(d.Closed), d.AgeHours
		}
	}
	count := func(series ...chartSeries) float64 { return niceCeil(highest(series), 2) }
	depthS := chartSeries{Name: "Open cases", Class: "series-open", Values: depth}
	flow := []chartSeries{{Name: "Opened", Class: "series-opened", Values: opened}, {Name: "Closed", Class: "series-closed", Values: closed}}
	ageS := chartSeries{Name: "Mean age", Class: "series-age", Values: age}
	decided := []chartSeries{{Name: "Automated", Class: "series-automated", Values: automated}, {Name: "By people", Class: "series-closed", Values: closed}}
	return []barChart{
		newBarChart("chart-depth", "Queue depth", "", true, when, span, count(depthS), depthS),
		newBarChart("chart-flow", "Opened and closed", "", true, when, span, count(flow...), flow...),
		newBarChart("chart-sla", "Closed within SLA", "%", false, when, span, 100, chartSeries{Name: "Within SLA", Class: "series-sla", Values: inSLA}),
		newBarChart("chart-age", "Mean age of closed cases", " h", false, when, span, niceCeil(highest([]chartSeries{ageS}), 1), ageS),
		newBarChart("chart-decided", "Decisions: automated and by people", "", true, when, span, count(decided...), decided...),
	}
}

// Breakdown geometry: one row per item, its label left of the bar and
// its count right of it.
const (
	breakdownWidth = 480
	breakdownStep  = 24
	breakdownLabel = 168 // the labels end here; the bars start just after
	breakdownBar   = 250 // the longest bar's length
)

// breakdownChart is one chart of the "breakdown-chart" partial: how a
// total splits into items, largest first, as horizontal bars.
type breakdownChart struct {
	ID, Title string
	// Desc gives the figures in words, for screen readers; Empty says
	// why no bar is drawn, when none is.
	Desc, Empty           string
	Rows                  []breakdownRow
	Width, Height, Middle float64
	Total                 int
}

// breakdownRow is one item's bar with its label and count.
type breakdownRow struct {
	Label, Value, Title            string
	Y, TextY, LabelX, X, W, ValueX float64
}

// breakdownName writes an item's key for people: a tier move
// (tier:restricted) as "Tier restricted", codes in words.
func breakdownName(key string) string { return human(strings.ReplaceAll(key, ":", " ")) }

// newBreakdown lays out items, largest first (ties by name); items of 0
// are left out.
func newBreakdown(id, title string, items map[string]int) breakdownChart {
	ch := breakdownChart{ID: id, Title: title, Width: breakdownWidth, Middle: breakdownWidth / 2, Empty: "None in this period."}
	keys := slices.Collect(maps.Keys(items))
	slices.SortFunc(keys, func(a, b string) int {
		if d := items[b] - items[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	top := 0
	var words []string
	for _, k := range keys {
		n := items[k]
		if n <= 0 {
			continue
		}
		top, ch.Total = max(top, n), ch.Total+n
		words = append(words, fmt.Sprintf("%s %d", breakdownName(k), n))
	}
	for _, k := range keys {
		n := items[k]
		if n <= 0 {
			continue
		}
		y := float64(len(ch.Rows) * breakdownStep)
		w := math.Max(1, float64(n)/float64(top)*breakdownBar)
		ch.Rows = append(ch.Rows, breakdownRow{Label: breakdownName(k), Value: count(int64(n)),
			Title: fmt.Sprintf("%s: %d of %d (%s%%)", breakdownName(k), n, ch.Total, number(100*float64(n)/float64(ch.Total))),
			Y:     y + 4, TextY: y + 16, LabelX: breakdownLabel, X: breakdownLabel + 6, W: round1(w), ValueX: round1(breakdownLabel + 12 + w)})
	}
	ch.Height = float64(max(1, len(ch.Rows)) * breakdownStep)
	if len(ch.Rows) > 0 {
		ch.Empty = ""
		ch.Desc = title + ": " + strings.Join(words, ", ") + "."
	} else {
		ch.Desc = title + ": none."
	}
	return ch
}
