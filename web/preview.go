package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// maxPreviewState bounds the state a preview form may carry back; real ones are far smaller.
const maxPreviewState = 8 << 10

// Conversation is the bot's engine as the preview drives it: the same Step over the same
// directory the bot ranks with, so volunteers see exactly what a person sees.
type Conversation interface {
	Step(s flows.State, ev flows.Event) (flows.State, flows.Output)
	// Render renders the screen of s as it stands.
	Render(s flows.State, now time.Time) (flows.Reply, error)
	// Referral reports whether node is a screen that lists organisations.
	Referral(node string) bool
}

type previewReply struct {
	flows.Reply
	Dir string // "rtl" for right-to-left languages
}

type previewData struct {
	Langs   []locales.Language // every language the bot speaks
	Lang    string             // the conversation's language, "" for the picker
	State   string             // the engine's state as JSON, carried by the page's forms
	Answers flows.State
	Replies []previewReply
	Exit    bool
	Handoff bool // here a real case would open
	// Why explains the order of a referral screen's listings, best first; empty elsewhere.
	Why []whyRow
}

// whyRow is one listing of a referral screen as the ranking saw it: its score and its
// reasons (those the person reads, then notes for volunteers), in the viewer's language.
type whyRow struct {
	ID, Name       string
	Score          int
	Reasons, Notes []string
}

// why ranks the directory for the conversation's answers, as the engine does for its
// referral screen.
func (s *Server) why(v *viewer, st flows.State) []whyRow {
	if s.rank == nil || !s.conv.Referral(st.Node) {
		return nil
	}
	p := directory.Profile{Need: directory.Need(st.Need), Lang: st.Lang, Region: directory.Region(st.Region), WomenOnly: st.WomenOnly, Community: st.Community}
	var out []whyRow
	for _, m := range s.rank.Rank(p, s.now()) {
		row := whyRow{ID: m.Listing.ID, Name: m.Listing.Name, Score: m.Score}
		for _, r := range m.Reasons {
			row.Reasons = append(row.Reasons, v.cat.Text(v.Lang, r.ID, r.Data))
		}
		for _, r := range m.Notes {
			row.Notes = append(row.Notes, v.cat.Text(v.Lang, r.ID, r.Data))
		}
		out = append(out, row)
	}
	return out
}

// preview walks the conversation. It changes nothing, so it is a GET: the state travels in
// the page's forms and the address. ?lang= starts over in a language (empty: the picker);
// ?token= presses a button; ?text= sends a typed message or command.
func (s *Server) preview(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	var (
		st flows.State
		// The preview opens no case: every organisation that accepts handoffs is offered,
		// as if each had linked a group.
		ev = flows.Event{Now: s.now(), Takers: flows.Accepting{Ranker: s.rank}}
	)
	raw := q.Get("state")
	switch {
	case raw != "" && len(raw) <= maxPreviewState && json.Unmarshal([]byte(raw), &st) == nil && (q.Has("token") || q.Has("text")):
		if q.Has("token") {
			ev.Kind, ev.Token = flows.EventButton, q.Get("token")
		} else {
			ev.Kind, ev.Text = flows.EventText, q.Get("text")
		}
	default:
		// A new conversation, in the chosen language if it is shipped (else the picker).
		st = flows.State{}
		if lang := q.Get("lang"); slices.Contains(s.cat.Tags(), lang) {
			st.Lang = lang
		}
		ev.Kind = flows.EventStart
	}
	st, out := s.conv.Step(st, ev)
	state, err := json.Marshal(st)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	d := previewData{Langs: s.cat.Languages(), Lang: st.Lang, State: string(state), Answers: st, Exit: out.Exit, Handoff: out.Open != "", Why: s.why(v, st)}
	if out.Open != "" {
		lang := s.cat.Speaking(st.Lang, "")
		out.Replies = append(out.Replies, flows.Reply{Text: s.cat.Text(lang, "handoff.preview.opens", nil), Lang: lang})
	}
	if !out.Exit && !slices.ContainsFunc(out.Replies, func(r flows.Reply) bool { return len(r.Buttons) > 0 }) {
		// A notice alone (after the handoff) is followed by the screen under it, so the walk
		// goes on from its buttons. A missing message falls back, as in Step.
		screen, _ := s.conv.Render(st, ev.Now)
		out.Replies = append(out.Replies, screen)
	}
	for _, rep := range out.Replies {
		dir := "ltr"
		if locales.IsRTL(rep.Lang) {
			dir = "rtl"
		}
		d.Replies = append(d.Replies, previewReply{Reply: rep, Dir: dir})
	}
	s.render(w, r, v, http.StatusOK, "preview", page{Title: "web.preview.title", Nav: "preview", Data: d})
}
