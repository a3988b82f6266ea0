package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
)

// Directory is what handoff needs of the referral directory: ranking, and the listings.
type Directory interface {
	directory.Ranker
	Listings() []*directory.Listing
}

// orgLang is the language of what the bot writes in organisations' groups.
const orgLang = "en"

// Why a case closed.
const (
	closedByOrg    = "org"     // /close in the topic
	closedByPerson = "person"  // /end
	closedExit     = "exit"    // the person left and erased the chat
	closedBlocked  = "blocked" // the person blocked the bot
	closedIdle     = "idle"    // nothing for CaseIdle
	closedUnlinked = "unlink"  // the group was unlinked, or removed the bot
)

// otherChatRequest is a request for another chat than the job's own: an organisation's
// group, or the person of a case. With a case set, a request to a person goes only while it
// is open.
type otherChatRequest struct {
	key    []byte
	req    request
	caseID string
}

// closing is a case to close, with what to send to each side if it was still open.
type closing struct {
	c      store.Case
	forget bool  // forget who the case belonged to at once, and take back a shared username
	group  int64 // with forget: the case's organisation group, where the username is deleted
	out    []otherChatRequest
}

// rating is a person's answer to "did this help?".
type rating struct {
	caseID  string
	helpful bool
}

// handoffJob is what one chat's share of a batch does to cases and links, written in the
// batch's transaction.
type handoffJob struct {
	links    *linkSet    // the linked groups, as the batch began
	openCase *store.Case // the person's open case, read before the steps
	group    int64       // cs's organisation group
	opened   []store.Case
	touched  []string
	closes   []closing
	rated    []rating
	out      []otherChatRequest
	linkCode string       // a /link that passed the checks the bot can make before the code
	unlink   string       // a listing to unlink
	shared   []store.Case // cases whose person shared their username (Shared set)
	unshare  []store.Case // cases whose person took it back
	admins   *groupAdmins // a group's administrators, read before the batch (readAdmins)
}

// handoffMemory is what the handoff keeps in memory: the linked groups (so a batch needs no
// query to find them) and the estimate of each group's budget.
type handoffMemory struct {
	mu    sync.Mutex
	links *linkSet // nil until read from the database
	pace  groupPace
}

// linkSet is every linked group, by listing and by the group's lookup key. It is replaced,
// never changed, so it may be read without the lock.
type linkSet struct {
	byListing map[string]store.Link
	byChat    map[string]store.Link
}

func newHandoff(r Rate) *handoffMemory {
	return &handoffMemory{pace: groupPace{rate: r, next: map[string]time.Time{}, told: map[string]time.Time{}}}
}

// linked returns the linked groups, reading them when a link changed (or at the start).
func (b *Bot) linked(ctx context.Context) (*linkSet, error) {
	b.handoff.mu.Lock()
	defer b.handoff.mu.Unlock()
	if b.handoff.links != nil {
		return b.handoff.links, nil
	}
	ls, err := b.db.Links(ctx)
	if err != nil {
		return nil, err
	}
	set := &linkSet{byListing: make(map[string]store.Link, len(ls)), byChat: make(map[string]store.Link, len(ls))}
	for _, l := range ls {
		set.byListing[l.ListingID], set.byChat[string(l.ChatKey)] = l, l
	}
	b.handoff.links = set
	return set, nil
}

// relinked is called inside a transaction that links or unlinks a group: the links are read
// again by the next batch, after the transaction committed or failed. Batches run one after
// another, and only they call linked, so nothing reads the links in between.
func (b *Bot) relinked() {
	b.handoff.mu.Lock()
	defer b.handoff.mu.Unlock()
	b.handoff.links = nil
}

// loadCase finds the person's open case, if any, among those read for the batch, and its group.
func (b *Bot) loadCase(ctx context.Context, j *job, cases map[string]store.Case) error {
	links, err := b.linked(ctx)
	if err != nil {
		return err
	}
	j.handoff.links = links
	c, ok := cases[string(j.key)]
	if !ok {
		return nil
	}
	l, ok := links.byListing[c.ListingID]
	if !ok {
		return nil
	}
	group, err := b.openChat(l.Chat, l.ChatKey)
	if err != nil {
		return nil
	}
	j.handoff.openCase, j.handoff.group = &c, group
	return nil
}

// silent says whether the person under key asked for messages without sound (/silent).
// What reaches them from a case outside their own updates follows it too; when their session
// is gone or unreadable, the default (with sound) applies, as for any message.
func (b *Bot) silent(ctx context.Context, key []byte) bool {
	sealed, err := b.db.Session(ctx, key)
	if err != nil {
		return false
	}
	s, err := b.openSession(sealed, key)
	return err == nil && s.Silent
}

func (b *Bot) openChat(sealed, key []byte) (int64, error) {
	plain, err := b.keys.Open(sealed, key)
	if err != nil {
		return 0, err
	}
	if len(plain) != 8 {
		return 0, store.ErrSealBroken
	}
	return chatFromBytes(plain), nil
}

// say queues a text to the person, with buttons.
func (b *Bot) say(j *job, lang, id string, data map[string]any, kb [][]button) {
	j.reqs = append(j.reqs, request{Kind: kindSend, Chat: j.chat, Text: b.cat.Text(lang, id, data),
		Keyboard: kb, Silent: j.sess.Silent, Track: true})
}

// handoffStep handles what the person sends while a case is open: a message is relayed, a
// location or contact is not. It reports whether it handled in. The handoff's screens and
// buttons, and /end, are the engine's; step carries out what they ask.
func (b *Bot) handoffStep(j *job, in incoming, lang string) bool {
	switch in.kind {
	case inText:
		if j.handoff.openCase == nil || commandName(in.text) != "" {
			return false
		}
		b.relayFromPerson(j, in.msgID, lang)
		return true
	case inPersonal:
		if j.handoff.openCase == nil {
			return false
		}
		b.say(j, lang, "handoff.personal", nil, nil)
		return true
	}
	return false
}

// takers are the organisations of a person's referral that can take a case now: those
// that accept handoffs and had linked a group as the batch began.
type takers struct {
	dir   Directory
	links *linkSet
}

// Taker is the organisation id while it is in the directory and its group is linked.
func (t takers) Taker(_ directory.Profile, _ time.Time, id string) *directory.Listing {
	if _, linked := t.links.byListing[id]; !linked {
		return nil
	}
	for _, l := range t.dir.Listings() {
		if l.ID == id {
			return l
		}
	}
	return nil
}

func (t takers) Takers(p directory.Profile, now time.Time) []*directory.Listing {
	var out []*directory.Listing
	for _, m := range t.dir.Rank(p, now) {
		if _, linked := t.links.byListing[m.Listing.ID]; linked && m.Listing.AcceptsHandoff {
			out = append(out, m.Listing)
		}
	}
	return out
}

// listing finds a listing of the directory by id.
func (b *Bot) listing(id string) *directory.Listing {
	if b.cfg.Directory == nil {
		return nil
	}
	for _, l := range b.cfg.Directory.Listings() {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// openCase opens a case with the listing's organisation: a topic named by a new case code
// in their group, the first card in it, and a note to the person with the hours.
func (b *Bot) openCase(ctx context.Context, j *job, listingID, lang string) {
	if j.handoff.openCase != nil {
		b.say(j, lang, "handoff.already", nil, nil)
		return
	}
	l := b.listing(listingID)
	link, ok := j.handoff.links.byListing[listingID]
	if l == nil || !ok {
		b.say(j, lang, "handoff.gone", nil, nil)
		return
	}
	group, err := b.openChat(link.Chat, link.ChatKey)
	if err != nil {
		b.say(j, lang, "handoff.gone", nil, nil)
		return
	}
	code := newCaseCode()
	now := b.cfg.Now()
	f := j.sess.Flow
	// The case waits for its topic: the outbox makes it (named by the code only), records
	// its thread, and sends the card after it.
	c := store.Case{ID: newCaseID(), Code: code, ListingID: listingID, Lang: lang, Need: f.Need,
		GroupKey: link.ChatKey, PersonKey: j.key, Person: b.keys.Seal(chatBytes(j.chat), j.key), OpenedAt: now, ActiveAt: now}
	j.handoff.opened = append(j.handoff.opened, c)
	j.handoff.openCase, j.handoff.group = &c, group
	j.counted = append(j.counted, counted{lang, f.Need, store.EventHandoffOpened})
	j.handoff.out = append(j.handoff.out,
		otherChatRequest{key: c.GroupKey, req: request{Kind: kindTopic, Chat: group, Group: true, Lane: c.Code, Case: c.ID, Text: code}},
		otherChatRequest{key: c.GroupKey, req: toTopic(c, group, request{Kind: kindTopicSend, Text: b.card(c, f)})})
	data := map[string]any{"Org": locales.BidiFor(lang).FSI(l.Name), "Hours": b.hoursText(lang, l.Hours)}
	b.say(j, lang, "handoff.opened", data, keyboardOf(flows.ShareButton(b.cat, lang, caseTag(c))))
	if a := l.Hours.At(now, directory.EnglandAndWales); a.Known && !a.Open {
		b.say(j, lang, "handoff.closed_now", nil, nil)
	}
}

// card is the first message of a case's topic: what the person chose to tell, nothing else.
func (b *Bot) card(c store.Case, f flows.State) string {
	t := func(id string, data map[string]any) string { return b.cat.Text(orgLang, id, data) }
	notSaid := t("handoff.card.not_said", nil)
	need, region := notSaid, notSaid
	if f.Need != "" {
		need = t("handoff.need."+f.Need, nil)
	}
	if f.Region != "" && f.Region != string(directory.UK) {
		region = t("handoff.region."+f.Region, nil)
	}
	var prefs []string
	if f.WomenOnly {
		prefs = append(prefs, t("handoff.card.women_only", nil))
	}
	if f.Community != "" {
		prefs = append(prefs, t("handoff.card.community", map[string]any{"Community": strings.ReplaceAll(f.Community, "_", " ")}))
	}
	pref := notSaid
	if len(prefs) > 0 {
		pref = strings.Join(prefs, ", ")
	}
	return t("handoff.card", map[string]any{"Code": c.Code, "Lang": locales.DisplayName(c.Lang), "Need": need,
		"Region": region, "Prefs": pref})
}

// newCaseCode is a short code for people to say, like K7Q2-94; the case's real id is random
// and long.
func newCaseCode() string {
	const letters = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	raw := make([]byte, 6)
	rand.Read(raw)
	var b strings.Builder
	for _, c := range raw[:4] {
		b.WriteByte(letters[int(c)%len(letters)])
	}
	b.WriteByte('-')
	for _, c := range raw[4:] {
		b.WriteByte('0' + c%10)
	}
	return b.String()
}

func newCaseID() string {
	raw := make([]byte, 16)
	rand.Read(raw)
	return hex.EncodeToString(raw)
}

// rateKeyboard asks whether the case helped; the answer only adds to a weekly count.
func rateKeyboard(cat *locales.Catalog, lang, caseID string) [][]button {
	return keyboardOf(flows.RateButtons(cat, lang, caseID))
}

// endCase closes the person's case from their side (end, exit or blocking): the
// organisation is told in the topic, and the topic is closed.
func (b *Bot) endCase(j *job, c store.Case, group int64, by string) {
	note := map[string]string{closedByPerson: "handoff.org.ended", closedExit: "handoff.org.left", closedBlocked: "handoff.org.blocked"}[by]
	cl := closing{c: c, forget: by != closedByPerson, group: group}
	cl.out = append(cl.out, b.topicNote(c, group, note)...)
	j.handoff.closes = append(j.handoff.closes, cl)
}

// topicNote is a note in the case's topic followed by closing the topic.
func (b *Bot) topicNote(c store.Case, group int64, id string) []otherChatRequest {
	text := b.cat.Text(orgLang, id, map[string]any{"Code": c.Code})
	return []otherChatRequest{
		{key: c.GroupKey, req: toTopic(c, group, request{Kind: kindTopicSend, Text: text})},
		{key: c.GroupKey, req: toTopic(c, group, request{Kind: kindCloseTopic})},
	}
}

// personGone closes the person's case when they leave (exit) or block the bot.
func (b *Bot) personGone(j *job, by string) {
	if j.handoff.openCase == nil {
		return
	}
	b.endCase(j, *j.handoff.openCase, j.handoff.group, by)
	j.handoff.openCase = nil
}

// personClosing closes a case from the organisation's side (close, idle, unlink): the person
// is told, with the question whether it helped, and the organisation too.
// A group of 0 is one no longer linked: it is told nothing.
func (b *Bot) personClosing(ctx context.Context, c store.Case, group int64, by string) closing {
	chat, err := b.openChat(c.Person, c.PersonKey)
	cl := closing{c: c}
	if err == nil {
		id := closingIDs[by]
		if by == closedUnlinked && b.listing(c.ListingID) == nil {
			id = unlinkedGone // the list cannot give their other contacts any more
		}
		// The person may not be looking: the text names neither the organisation nor the need.
		cl.out = append(cl.out, otherChatRequest{key: c.PersonKey, caseID: c.ID, req: request{Kind: kindSend, Chat: chat, Track: true, Silent: b.silent(ctx, c.PersonKey),
			Text: b.cat.Text(c.Lang, id, nil), Keyboard: rateKeyboard(b.cat, c.Lang, c.ID)}})
	}
	switch {
	case group == 0:
	case by == closedByOrg:
		cl.out = append(cl.out, b.topicNote(c, group, "handoff.org.closed")...)
	case by == closedIdle:
		cl.out = append(cl.out, b.topicNote(c, group, "handoff.org.idle")...)
	}
	return cl
}

// commitHandoff writes what the job did to cases and links, and queues what it sends to
// other chats than its own in w.
func (b *Bot) commitHandoff(ctx context.Context, tx *store.Tx, j *job, w *batchWrite) error {
	now := tx.Now()
	h := &j.handoff
	for _, c := range h.opened {
		if err := tx.OpenCase(ctx, c); err != nil {
			return err
		}
	}
	for _, id := range h.touched {
		if err := tx.TouchCase(ctx, id); err != nil {
			return err
		}
	}
	for _, r := range h.rated {
		if _, err := tx.RateCase(ctx, r.caseID, j.key, store.Week(now), r.helpful); err != nil {
			return err
		}
	}
	for _, c := range h.shared {
		if err := tx.SetCaseShared(ctx, c.ID, c.Shared); err != nil {
			return err
		}
	}
	for _, c := range h.unshare {
		// The message holding the username is read here, not when the case was read for the
		// batch: its record may have committed in between.
		held, err := tx.Unshare(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := b.deleteShared(w, c, held, h.group); err != nil {
			return err
		}
	}
	if h.linkCode != "" {
		reqs, err := b.commitLink(ctx, tx, j)
		if err != nil {
			return err
		}
		j.reqs = append(j.reqs, reqs...)
	}
	if h.unlink != "" {
		if err := tx.Unlink(ctx, h.unlink); err != nil {
			return err
		}
		b.relinked()
	}
	for _, cl := range h.closes {
		if err := b.closeTx(ctx, tx, cl, w); err != nil {
			return err
		}
	}
	return b.queueTx(ctx, tx, h.out, w)
}

// closeTx closes a case and queues its notes, unless it was closed already.
func (b *Bot) closeTx(ctx context.Context, tx *store.Tx, cl closing, w *batchWrite) error {
	now := tx.Now()
	open, err := tx.CloseCase(ctx, cl.c.ID)
	if err != nil || !open {
		return err
	}
	w.closed++
	if err := tx.Count(ctx, store.Week(now), cl.c.Lang, cl.c.Need, store.EventHandoffClosed); err != nil {
		// A count is not worth losing the case's notes for.
		b.log.Warn("Counting failed", "event", store.EventHandoffClosed, "err", err)
	}
	if cl.forget {
		// The message holding a shared username is read here, not when the case was read for
		// the batch: its record may have committed in between.
		held, err := tx.ForgetCasePerson(ctx, cl.c.ID)
		if err != nil {
			return err
		}
		if err := b.deleteShared(w, cl.c, held, cl.group); err != nil {
			return err
		}
	}
	return b.queueTx(ctx, tx, cl.out, w)
}

// caseFailedTx answers Telegram refusing what a case needed (outbox.caseFailed). A topic
// that could not be made closes the case, whose person is told it could not start (what they
// wrote meanwhile waited for the topic, and is dropped with it). A username that could not
// be carried is marked as not shared, and the person is told.
func (b *Bot) caseFailedTx(ctx context.Context, tx *store.Tx, caseID, kind string, w *batchWrite) error {
	c, err := tx.Case(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	id := "handoff.open_failed"
	if kind != kindTopic {
		if c.Shared != store.SharePending {
			return nil // taken back meanwhile
		}
		if err := tx.ShareFailed(ctx, c.ID); err != nil {
			return err
		}
		id = "handoff.share.failed"
	}
	var out []otherChatRequest
	if chat, err := b.openChat(c.Person, c.PersonKey); err == nil && !c.Closed {
		out = append(out, otherChatRequest{key: c.PersonKey, req: request{Kind: kindSend, Chat: chat, Track: true,
			Silent: b.silent(ctx, c.PersonKey), Text: b.cat.Text(c.Lang, id, nil)}})
	}
	if kind != kindTopic {
		return b.queueTx(ctx, tx, out, w)
	}
	b.log.Warn("Telegram refused to open a case's topic; the case is closed", "listing", c.ListingID)
	return b.closeTx(ctx, tx, closing{c: c, forget: true, out: out}, w)
}

// queueTx queues requests for other chats. A copy for a person goes only while its case is
// open, so nothing reaches someone who left in the same batch.
func (b *Bot) queueTx(ctx context.Context, tx *store.Tx, out []otherChatRequest, w *batchWrite) error {
	for _, k := range out {
		if k.caseID != "" && k.req.Kind == kindCopy {
			open, err := tx.CaseOpen(ctx, k.caseID)
			if err != nil {
				return err
			}
			if !open {
				continue
			}
		}
		if err := w.queue(b.keys, k.key, k.req); err != nil {
			return err
		}
	}
	return nil
}

// sweepCasesOnce closes idle cases and carries out unlink requests: both tell Telegram.
// Forgetting closed cases and old link codes is the janitor's (store.Retention).
func (b *Bot) sweepCasesOnce(ctx context.Context) error {
	now := b.cfg.Now()
	b.handoff.pace.prune(now)
	if err := b.unlinkRequested(ctx, now); err != nil {
		return err
	}
	for {
		idle, err := b.db.IdleCases(ctx, now.Add(-b.cfg.CaseIdle), 100)
		if err != nil || len(idle) == 0 {
			return err
		}
		var closes []closing
		for _, c := range idle {
			// Not b.linked: only the intake may fill that, so it never holds links read
			// while a batch that changes them is being committed.
			group := int64(0)
			if l, err := b.db.LinkByListing(ctx, c.ListingID); err == nil {
				group, _ = b.openChat(l.Chat, l.ChatKey)
			}
			closes = append(closes, b.personClosing(ctx, c, group, closedIdle))
		}
		w, err := b.commit(ctx, func(tx *store.Tx, w *batchWrite) error {
			for _, cl := range closes {
				if err := b.closeTx(ctx, tx, cl, w); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		b.cfg.Metrics.HandoffsClosed.Add(float64(w.closed))
	}
}
