package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
)

// dayIDs are the message IDs of weekday abbreviations, Sunday first as time.Weekday counts.
var dayIDs = [7]string{"handoff.day.sun", "handoff.day.mon", "handoff.day.tue", "handoff.day.wed", "handoff.day.thu", "handoff.day.fri", "handoff.day.sat"}

// hoursText says a listing's weekly hours in the person's language: "Mon–Fri 10:00–17:00".
func (b *Bot) hoursText(lang string, h directory.Hours) string {
	switch {
	case h.Always:
		return b.cat.Text(lang, "handoff.hours.always", nil)
	case !h.Known():
		return b.cat.Text(lang, "handoff.hours.unknown", nil)
	}
	var byDay [7][]string
	for _, s := range h.Weekly {
		byDay[s.Day] = append(byDay[s.Day], clockText(s.Open)+"–"+clockText(s.Close))
	}
	order := []time.Weekday{1, 2, 3, 4, 5, 6, 0}
	var rules []string
	for i := 0; i < 7; {
		r := strings.Join(byDay[order[i]], ", ")
		if r == "" {
			i++
			continue
		}
		k := i
		for k+1 < 7 && strings.Join(byDay[order[k+1]], ", ") == r {
			k++
		}
		days := b.cat.Text(lang, dayIDs[order[i]], nil)
		if k > i {
			days += "–" + b.cat.Text(lang, dayIDs[order[k]], nil)
		}
		rules = append(rules, days+" "+r)
		i = k + 1
	}
	return strings.Join(rules, "; ")
}

func clockText(m int) string {
	h, min := m/60, m%60
	if h > 24 {
		h -= 24
	}
	pad := func(n int) string {
		if n < 10 {
			return "0" + strconv.Itoa(n)
		}
		return strconv.Itoa(n)
	}
	return pad(h) + ":" + pad(min)
}
