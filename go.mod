module github.com/puente-bot/puente

go 1.26.8

require github.com/mattn/go-sqlite3 v1.14.53

require github.com/go-telegram/bot v1.19.0 // indirect
