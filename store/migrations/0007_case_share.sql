-- The message in a case's topic that holds the Telegram username its person chose to share
-- (0 for none), so the bot can delete it when they take it back or leave.
ALTER TABLE cases ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
