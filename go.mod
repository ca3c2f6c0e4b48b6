module github.com/resetbot/resetbot

go 1.26
