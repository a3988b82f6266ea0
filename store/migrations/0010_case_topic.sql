-- A case opens before its forum topic exists: the topic is asked for through the outbox,
-- and thread_id stays 0 ("waiting for its topic") until Telegram has made it. Several
-- cases of one group may wait at once, so only real topics are unique.
-- shared is -1 while the username a person chose to share is on its way to the topic.
DROP INDEX cases_topic;
CREATE UNIQUE INDEX cases_topic ON cases (group_key, thread_id) WHERE thread_id != 0;
