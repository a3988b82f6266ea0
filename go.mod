module github.com/puente-bot/puente

go 1.26.8

require (
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/nicksnyder/go-i18n/v2 v2.7.0
	golang.org/x/text v0.44.0
)

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/go-telegram/bot v1.19.0 // indirect
)
