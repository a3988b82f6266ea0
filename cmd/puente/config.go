package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/puente-bot/puente/bot"
)

// config is puente's configuration: each field comes from an environment variable, and a
// flag of the same meaning overrides it. It is the one place that reads the environment and
// checks the settings; errors name the variable. The packages get typed values from it.
type config struct {
	DataDir         string        // PUENTE_DATA_DIR
	Secret          []byte        // PUENTE_SECRET, or read from PUENTE_SECRET_FILE; nil: the data folder's (masterSecret)
	SecretFile      string        // PUENTE_SECRET_FILE (PUENTE_SECRET itself has no flag: flags show in ps)
	HTTPAddr        string        // PUENTE_HTTP_ADDR
	WebURL          string        // PUENTE_WEB_URL (flag --url)
	SiteURL         *url.URL      // WebURL parsed, without a trailing slash; nil when WebURL is empty
	BotToken        string        // TELEGRAM_BOT_TOKEN
	APIURL          string        // TELEGRAM_API_URL
	WebhookURL      string        // PUENTE_WEBHOOK_URL
	WebhookPath     string        // WebhookURL's path, where the webhook listens; "/" when it has none
	WebhookSecret   string        // PUENTE_WEBHOOK_SECRET
	WebhookAddr     string        // PUENTE_WEBHOOK_ADDR
	MetricsAddr     string        // PUENTE_METRICS_ADDR: /metrics on its own address; on HTTPAddr when empty
	SessionIdle     time.Duration // PUENTE_SESSION_IDLE
	DeleteAfter     time.Duration // PUENTE_DELETE_AFTER
	CaseIdle        time.Duration // PUENTE_CASE_IDLE
	CaseForget      time.Duration // PUENTE_CASE_FORGET
	OperatorName    string        // PUENTE_OPERATOR_NAME
	OperatorContact string        // PUENTE_OPERATOR_CONTACT
	LogLevel        slog.Level    // PUENTE_LOG_LEVEL
	LogFormat       string        // PUENTE_LOG_FORMAT: text or json
	LangHint        string        // LANG as a language tag (es_MX.UTF-8 is es-MX): puente chat's first guess
}

// The defaults of the periods an operator sets that no package has a default for.
const (
	defaultSessionIdle = 24 * time.Hour
	defaultDeleteAfter = 24 * time.Hour
	defaultCaseForget  = 7 * 24 * time.Hour
)

// defaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT is unset. puente
// at rest holds a few MB; two volunteers signing in at once hash with 19 MiB each (web's
// argon2 parameters), and an export of a large directory takes some more. Above the limit the
// collector works harder rather than letting the heap grow, so a small server shared with
// other programs keeps its memory; it is soft, so the program never fails for it.
const defaultMemoryLimit = 64 << 20

// limitMemory sets the runtime's memory limit to defaultMemoryLimit unless GOMEMLIMIT is set:
// the runtime has applied that one itself (GOMEMLIMIT=off lifts the limit).
func limitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// parts names the groups of settings a command uses, so its -h lists only its own flags and
// a bad value for a setting it does not use cannot stop it.
type parts uint

const (
	partData   parts = 1 << iota // PUENTE_DATA_DIR
	partKeys                     // PUENTE_SECRET_FILE (and PUENTE_SECRET), for commands that read sealed data
	partLog                      // PUENTE_LOG_LEVEL, PUENTE_LOG_FORMAT
	partWeb                      // PUENTE_HTTP_ADDR
	partEngine                   // what the conversation's texts quote: operator, session and deletion times
	partBot                      // Telegram, the webhook, cases and metrics
	partLocale                   // LANG, for puente chat

	// partApp is what a command that opens the whole app (openApp) uses.
	partApp = partData | partKeys | partLog
	// partAll is what serve uses.
	partAll = partApp | partWeb | partEngine | partBot
)

// configFlags registers the flags of the parts a command uses on fs, with defaults from the
// environment, and returns a function that validates the result once fs has been parsed.
// Settings of other parts keep their zero values.
func configFlags(fs *flag.FlagSet, getenv func(string) string, use parts) (*config, func() error) {
	c := &config{}
	str := func(part parts, p *string, flagName, envName, def, help string) {
		if use&part == 0 {
			return
		}
		v := getenv(envName)
		if v == "" {
			v = def
		}
		fs.StringVar(p, flagName, v, help+" ("+envName+")")
	}
	// Secrets never become a flag's default: -h would print them.
	secret := func(p *string, flagName, envName, help string) {
		if use&partBot == 0 {
			return
		}
		*p = getenv(envName)
		fs.Func(flagName, help+" ("+envName+"; prefer the variable: flags show in the process list)", func(s string) error {
			*p = s
			return nil
		})
	}
	durs := map[string]*durFlag{}
	dur := func(part parts, p *time.Duration, flagName, envName string, def time.Duration, help string) {
		if use&part == 0 {
			return
		}
		d := &durFlag{p: p, env: envName, raw: getenv(envName)}
		*p = def
		durs[envName] = d
		fs.Var(d, flagName, help+" ("+envName+")")
	}
	str(partData, &c.DataDir, "data-dir", "PUENTE_DATA_DIR", "./data", "folder for the database and the development secret")
	var secretEnv string
	if use&partKeys != 0 {
		secretEnv = getenv("PUENTE_SECRET")
	}
	str(partKeys, &c.SecretFile, "secret-file", "PUENTE_SECRET_FILE", "", "file holding the master secret, when PUENTE_SECRET is not set")
	str(partWeb, &c.HTTPAddr, "http-addr", "PUENTE_HTTP_ADDR", "127.0.0.1:8080", "address of the volunteers' web page (and /healthz, /readyz, /metrics)")
	str(partWeb, &c.WebURL, "url", "PUENTE_WEB_URL", "", "the web page's address as volunteers reach it, for the links it makes; other host names are refused (default http:// and PUENTE_HTTP_ADDR)")
	secret(&c.BotToken, "token", "TELEGRAM_BOT_TOKEN", "Telegram bot token from @BotFather; the bot is off without it")
	str(partBot, &c.APIURL, "api-url", "TELEGRAM_API_URL", "https://api.telegram.org", "Bot API server (a self-hosted telegram-bot-api server, or a test fake)")
	str(partBot, &c.WebhookURL, "webhook-url", "PUENTE_WEBHOOK_URL", "", "public HTTPS URL for webhook mode; long polling when empty")
	secret(&c.WebhookSecret, "webhook-secret", "PUENTE_WEBHOOK_SECRET", "secret token Telegram sends with each webhook request")
	// The webhook listens on a port of its own, so a reverse proxy can publish it without
	// publishing the volunteers' page.
	str(partBot, &c.WebhookAddr, "webhook-addr", "PUENTE_WEBHOOK_ADDR", "127.0.0.1:8443", "where the webhook listens, behind an HTTPS reverse proxy")
	str(partBot, &c.MetricsAddr, "metrics-addr", "PUENTE_METRICS_ADDR", "", "serve /metrics on this address only (e.g. 127.0.0.1:9090), not on the web page's")
	dur(partEngine, &c.SessionIdle, "session-idle", "PUENTE_SESSION_IDLE", defaultSessionIdle, "forget a conversation after this long without activity")
	dur(partEngine, &c.DeleteAfter, "delete-after", "PUENTE_DELETE_AFTER", defaultDeleteAfter, "delete the bot's chat messages after this long (under 48h)")
	dur(partBot, &c.CaseIdle, "case-idle", "PUENTE_CASE_IDLE", bot.DefaultCaseIdle, "close a handoff case after this long without messages")
	dur(partBot, &c.CaseForget, "case-forget", "PUENTE_CASE_FORGET", defaultCaseForget, "forget who a closed case belonged to after this long")
	str(partEngine, &c.OperatorName, "operator-name", "PUENTE_OPERATOR_NAME", "", "who runs this bot, as told to people in /privacy")
	str(partEngine, &c.OperatorContact, "operator-contact", "PUENTE_OPERATOR_CONTACT", "", "how to contact whoever runs this bot, as told in /privacy")
	if use&partLocale != 0 {
		c.LangHint = localeHint(getenv("LANG"))
	}
	level := getenv("PUENTE_LOG_LEVEL")
	if use&partLog != 0 {
		fs.Func("log-level", "debug, info, warn or error (PUENTE_LOG_LEVEL, default info)", func(s string) error {
			level = s
			return nil
		})
	}
	str(partLog, &c.LogFormat, "log-format", "PUENTE_LOG_FORMAT", "text", "text (key=value lines) or json (one object a line, for a log collector)")

	validate := func() error {
		var errs []error
		for _, d := range durs {
			if err := d.apply(); err != nil {
				errs = append(errs, err)
			}
		}
		if use&partLog != 0 && level != "" {
			if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
				errs = append(errs, fmt.Errorf("PUENTE_LOG_LEVEL: %q is not debug, info, warn or error", level))
			}
		}
		if use&partLog != 0 && c.LogFormat != "text" && c.LogFormat != "json" {
			errs = append(errs, fmt.Errorf("PUENTE_LOG_FORMAT: %q is not text or json", c.LogFormat))
		}
		if use&partData != 0 && c.DataDir == "" {
			errs = append(errs, errors.New("PUENTE_DATA_DIR: must not be empty"))
		}
		if use&partWeb != 0 {
			if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
				errs = append(errs, fmt.Errorf("PUENTE_HTTP_ADDR: %q is not host:port", c.HTTPAddr))
			}
			if c.WebURL != "" {
				u, err := url.Parse(strings.TrimRight(c.WebURL, "/"))
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					errs = append(errs, fmt.Errorf("PUENTE_WEB_URL: %q is not an http(s) address", c.WebURL))
				} else {
					c.SiteURL = u
				}
			}
		}
		if use&partBot != 0 {
			errs = append(errs, c.validateBot()...)
		}
		if use&partEngine != 0 {
			if c.SessionIdle < time.Minute {
				errs = append(errs, errors.New("PUENTE_SESSION_IDLE: must be at least 1m"))
			}
			if c.DeleteAfter < time.Minute || c.DeleteAfter > bot.MaxDeleteAfter {
				errs = append(errs, fmt.Errorf("PUENTE_DELETE_AFTER: must be between 1m and %s, because Telegram lets bots delete messages only for 48h", bot.MaxDeleteAfter))
			}
		}
		if abs, err := filepath.Abs(c.DataDir); use&partData != 0 && err == nil {
			c.DataDir = abs
		}
		if use&partKeys != 0 {
			if err := c.readSecret(secretEnv); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	return c, validate
}

// validateBot checks the settings of the bot's part.
func (c *config) validateBot() []error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.WebhookAddr); err != nil {
		errs = append(errs, fmt.Errorf("PUENTE_WEBHOOK_ADDR: %q is not host:port", c.WebhookAddr))
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("PUENTE_METRICS_ADDR: %q is not host:port", c.MetricsAddr))
		}
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("TELEGRAM_API_URL: %q is not an http(s) URL", c.APIURL))
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, errors.New("PUENTE_WEBHOOK_URL: must be an https URL"))
		} else if c.WebhookPath = u.EscapedPath(); c.WebhookPath == "" {
			c.WebhookPath = "/"
		}
		if len(c.WebhookSecret) < 16 {
			errs = append(errs, errors.New("PUENTE_WEBHOOK_SECRET: webhook mode needs a secret of at least 16 characters (A-Z, a-z, 0-9, _ and -)"))
		}
	}
	if c.BotToken != "" && (c.OperatorName == "" || c.OperatorContact == "") {
		errs = append(errs, errors.New("PUENTE_OPERATOR_NAME and PUENTE_OPERATOR_CONTACT: the bot tells people who runs it (/privacy), so both must be set when TELEGRAM_BOT_TOKEN is"))
	}
	if c.CaseIdle < time.Hour {
		errs = append(errs, errors.New("PUENTE_CASE_IDLE: must be at least 1h"))
	}
	if c.CaseForget < time.Hour {
		errs = append(errs, errors.New("PUENTE_CASE_FORGET: must be at least 1h"))
	}
	return errs
}

// logger is the program's log as PUENTE_LOG_LEVEL and PUENTE_LOG_FORMAT ask, written to w.
func (c *config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// dbPath is where the database lives inside the data folder.
func (c *config) dbPath() string { return filepath.Join(c.DataDir, "puente.db") }

// durFlag is a duration whose default comes from the environment but is only checked once
// flags are parsed, so a bad value in the environment is reported with the variable's name.
type durFlag struct {
	p    *time.Duration
	env  string
	raw  string
	flag bool
}

func (d *durFlag) String() string {
	if d == nil || d.p == nil {
		return ""
	}
	return d.p.String()
}

func (d *durFlag) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration like 24h or 90m", s)
	}
	*d.p, d.flag = v, true
	return nil
}

func (d *durFlag) apply() error {
	if d.flag || d.raw == "" {
		return nil
	}
	v, err := time.ParseDuration(d.raw)
	if err != nil {
		return fmt.Errorf("%s: %q is not a duration like 24h or 90m", d.env, d.raw)
	}
	*d.p = v
	return nil
}
