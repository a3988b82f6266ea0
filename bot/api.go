package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// allowedUpdates are the only update kinds puente asks Telegram for.
var allowedUpdates = []string{
	models.AllowedUpdateMessage,
	models.AllowedUpdateEditedMessage,
	models.AllowedUpdateChannelPost,
	models.AllowedUpdateCallbackQuery,
	models.AllowedUpdateMyChatMember,
}

// api is the Bot API as puente uses it: go-telegram/bot's typed methods for setting the bot
// up and for reads; post, with the library's parameter types, for what the outbox sends; and
// getUpdates, which the library only offers inside a loop that confirms updates before they
// are handled.
type api struct {
	tg      *tg.Bot
	url     string // base URL + "/bot" + token; never logged
	poll    *http.Client
	calls   *http.Client  // post's; its callers bound each call (callTimeout when they do not)
	timeout time.Duration // long-poll timeout asked of Telegram
}

// newAPI builds the client. Connections are reused: the default transport keeps two idle
// connections per host, so most sends under load would open a new one.
func newAPI(baseURL, token string, pollTimeout time.Duration) (*api, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 256
	client := &http.Client{Transport: buffered{tr}, Timeout: 30 * time.Second}
	b, err := tg.New(token,
		tg.WithServerURL(baseURL),
		tg.WithSkipGetMe(),
		tg.WithHTTPClient(30*time.Second, client),
		// The library's defaults log whole updates and response bodies: never let them run.
		tg.WithDefaultHandler(func(context.Context, *tg.Bot, *models.Update) {}),
		tg.WithErrorsHandler(func(error) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("make Telegram client: %w", err)
	}
	return &api{
		tg:      b,
		url:     baseURL + "/bot" + token,
		poll:    &http.Client{Transport: tr, Timeout: pollTimeout + 15*time.Second},
		calls:   &http.Client{Transport: tr},
		timeout: pollTimeout,
	}, nil
}

// buffered reads a request body into memory before sending it. go-telegram/bot streams its
// multipart bodies through a pipe, which the transport writes in many small pieces (one
// system call each); a body of a few hundred bytes goes out in one write this way.
type buffered struct{ next http.RoundTripper }

func (b buffered) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.next.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return b.next.RoundTrip(r)
}

// post calls a Bot API method with params as a JSON body and decodes its result into result
// (if not nil). go-telegram/bot sends every call as a multipart form, built on a goroutine of
// its own through a pipe; what the outbox sends, about one call an update, costs less as JSON,
// to build here and for Telegram to read. Its errors are the library's (classify reads them),
// and hold neither the URL (with the token) nor Telegram's description (which can quote a
// chat or a text).
func (a *api) post(ctx context.Context, method string, params, result any) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, callTimeout)
		defer cancel()
	}
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("encode %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"/"+method, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: bad API URL", method)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.calls.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", method, ctx.Err())
		}
		return fmt.Errorf("%s: network error", method)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s: unreadable answer (HTTP %d)", method, resp.StatusCode)
	}
	// Result holds result, so the answer is decoded in one pass.
	r := struct {
		answer
		Result any `json:"result"`
	}{Result: result}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("%s: unreadable answer (HTTP %d)", method, resp.StatusCode)
	}
	return r.err(method)
}

// answer is what every Bot API answer says besides its result.
type answer struct {
	OK         bool `json:"ok"`
	ErrorCode  int  `json:"error_code"`
	Parameters struct {
		RetryAfter      int `json:"retry_after"`
		MigrateToChatID int `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// err is the answer's failure as go-telegram/bot's error values (classify and backoff read
// them), nil when it succeeded. Telegram's description is left out: it can quote a chat or a
// text.
func (a *answer) err(method string) error {
	if a.OK {
		return nil
	}
	switch a.ErrorCode {
	case http.StatusForbidden:
		return fmt.Errorf("%s: %w", method, tg.ErrorForbidden)
	case http.StatusBadRequest:
		if a.Parameters.MigrateToChatID != 0 {
			return &tg.MigrateError{Message: method + ": " + tg.ErrorBadRequest.Error(), MigrateToChatID: a.Parameters.MigrateToChatID}
		}
		return fmt.Errorf("%s: %w", method, tg.ErrorBadRequest)
	case http.StatusTooManyRequests:
		return &tg.TooManyRequestsError{Message: method + ": " + tg.ErrorTooManyRequests.Error(), RetryAfter: a.Parameters.RetryAfter}
	}
	return fmt.Errorf("%s: Telegram answered %d", method, a.ErrorCode)
}

// callTimeout bounds a call to post whose context has no deadline.
const callTimeout = 30 * time.Second

// getUpdates fetches the updates after offset (all unconfirmed ones when offset is 0), waiting
// up to the poll timeout for one to arrive.
func (a *api) getUpdates(ctx context.Context, offset int64) ([]models.Update, error) {
	body := map[string]any{"timeout": int(a.timeout / time.Second), "limit": 100, "allowed_updates": allowedUpdates}
	if offset > 0 {
		body["offset"] = offset
	}
	buf, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode getUpdates: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"/getUpdates", bytes.NewReader(buf))
	if err != nil {
		return nil, errors.New("getUpdates: bad API URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.poll.Do(req)
	if err != nil {
		// The error text holds the URL, and the URL holds the token.
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errors.New("getUpdates: network error")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: unreadable answer (HTTP %d)", resp.StatusCode)
	}
	var r struct {
		answer
		Result []models.Update `json:"result"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return ids(raw, resp.StatusCode)
	}
	if err := r.err("getUpdates"); err != nil {
		return nil, err
	}
	return r.Result, nil
}

// ids reads an answer whose updates do not all decode (a field of a newer Bot API, a
// forged value): each update that does is kept, and one that does not becomes an empty
// update with its id, so it is confirmed and handled as needing nothing instead of blocking
// the queue.
func ids(raw []byte, status int) ([]models.Update, error) {
	var r struct {
		OK     bool              `json:"ok"`
		Result []json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || !r.OK {
		return nil, fmt.Errorf("getUpdates: unreadable answer (HTTP %d)", status)
	}
	out := make([]models.Update, 0, len(r.Result))
	for _, one := range r.Result {
		var u models.Update
		if err := json.Unmarshal(one, &u); err != nil {
			var id struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(one, &id) != nil {
				return nil, errors.New("getUpdates: an update without an id")
			}
			u = models.Update{ID: id.ID}
		}
		out = append(out, u)
	}
	return out, nil
}
