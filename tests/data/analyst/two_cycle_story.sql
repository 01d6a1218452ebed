-- Realistic rows for the analyst tests: the seed story over two cycles, plus one later update.
-- Article texts are the seeds in tests/data/seeds/ (see SOURCE.md). Version 2 of the Al Mayadeen
-- article is synthetic: it says "three times" instead of "twice" so that a `changed` claim exists.
INSERT INTO feeds (id, url, name, title, site_url, interval_minutes, next_check_at, last_checked_at, last_success_at, last_status, error_count, last_error, parked, entries_total, bad_entries, created_at) VALUES
  (1, 'http://127.0.0.1:8765/worldpeace/feed.xml', 'World Peace with Justice', 'worldpeacewithjustice', 'http://127.0.0.1:8765/worldpeace/', 15, '2026-11-21 22:00:00', '2026-11-21 21:45:00', '2026-11-21 21:45:00', 304, 0, NULL, false, 1, 0, '2026-11-21 21:00:00'),
  (2, 'http://127.0.0.1:8765/almayadeen/rss.xml', NULL, 'Al Mayadeen English', 'http://127.0.0.1:8765/almayadeen/', 15, '2026-11-21 22:00:00', '2026-11-21 21:45:00', '2026-11-21 21:45:00', 200, 0, NULL, false, 1, 1, '2026-11-21 21:00:00'),
  (3, 'http://127.0.0.1:8765/broken/feed.xml', 'Broken wire', NULL, NULL, 15, '2026-11-21 23:45:00', '2026-11-21 21:45:00', NULL, 500, 3, 'HTTP 500 from http://127.0.0.1:8765/broken/feed.xml', false, 0, 0, '2026-11-21 21:00:00'),
  (4, 'http://127.0.0.1:8765/gone/feed.xml', 'Gone feed', NULL, NULL, 15, '2026-11-22 21:45:00', '2026-11-21 21:45:00', NULL, 404, 10, 'HTTP 404 from http://127.0.0.1:8765/gone/feed.xml', true, 0, 0, '2026-11-21 21:00:00');
INSERT INTO entries (id, feed_id, guid, url, title, published_at, discovered_at, state, attempts, article_id, processed_at) VALUES
  (1, 1, 'wp-1', 'http://127.0.0.1:8765/worldpeace/us-israel-syria-strikes.html', 'Washington eye on Israel''s plans against Iran''s militia', NULL, '2026-11-21 21:00:00', 'stored', 1, 1, '2026-11-21 21:00:04'),
  (2, 2, 'am-1', 'http://127.0.0.1:8765/almayadeen/wsj-us-prescreens-israeli-raids.html', 'WSJ: US pre-screens Israeli raids on Syria', '2022-06-16 00:00:00', '2026-11-21 21:15:00', 'stored', 1, 2, '2026-11-21 21:15:05');
INSERT INTO articles (id, url, outlet, first_seen_at, story_id) VALUES
  (1, 'http://127.0.0.1:8765/worldpeace/us-israel-syria-strikes.html', 'worldpeacewithjustice', '2026-11-21 21:00:00', 1),
  (2, 'http://127.0.0.1:8765/almayadeen/wsj-us-prescreens-israeli-raids.html', 'Al Mayadeen English', '2026-11-21 21:15:00', 1);
INSERT INTO article_versions (id, article_id, version, content_hash, title, author, published_at, site_name, text, fetched_at, linked_at, claims_at) VALUES
  (1, 1, 1, 'sha256:000a', 'Washington eye on Israel''s plans against Iran''s militia', NULL, NULL, 'worldpeacewithjustice', 'Washington eye on Israel''s plans against Iran''s militia

Washington eye on Israel''s plans against Iran''s militia

An American report revealed that Israel is secretly coordinating with the United States regarding many of the air strikes it is carrying out in Syria, The Allies face a battlefield crowded with armed groups, Iranian-backed militia, and foreign armies, according to current and former US officials who told the US Wall Street Journal. The Israeli bombing missions, which were aimed at stopping the flow of Iranian advanced weapons to the Lebanese Hezbollah, and reducing the Iranian military forces and its proxies in Syria.

But behind the scenes many Israeli missions were reviewed several years in advance for approval by senior officials in US Central Command and the Pentagon. , according to current and former officials.

The United States aims to ensure that Israeli air strikes do not interfere with the U.S.-led military campaign against ISIS militants whose self-declared caliphate has been destroyed but They were trying to return.

Official coordination has not been reported before, and the secrecy surrounding it shows how Washington sought to support its Israeli ally without being drawn into Israel''s shadow war against Iran.

The vast majority of those Israeli air strikes were approved by the United States. The US military does not help the Israelis in determining their goals. Officials say that the United States does not review all the Israeli operations that were carried out in Syria.

Another US defense official stated: “In northeastern Syria and near Al-Tanf, the US mission is only ensuring the enduring defeat of ISIS, working with our local partners, and we will not discuss the details of the steps we are taking to reduce the risks to our forces and the mission.”

Iran has already sought to pressure the United States to persuade the Israelis to reduce their strikes by targeting the American base in Syria, and in October Iran directed a drone attack on the al-Tanf barracks, and officials concluded The Americans indicated that it came in response to an Israeli attack on Iranian elements, and no Americans were injured in that raid. throughout the region and build their influence in it.', '2026-11-21 21:00:00', '2026-11-21 21:00:04', '2026-11-21 21:00:04'),
  (2, 2, 1, 'sha256:003a', 'WSJ: US pre-screens Israeli raids on Syria', 'Al Mayadeen English', '2022-06-16 00:00:00', 'Al Mayadeen English', ' date 2022-06-17 Posted on by worldpeacewithjustice

16 Jun 2022

Source: Wall Street Journal

By Al Mayadeen English

The Wall Street Journal reports that the US pre-screens raids launched by “Israel” against Syria.

US al-Tanf military base in Syria.

“Israel” secretly coordinates with the US on many of the airstrikes it conducts in Syria, according to current and former US officials.

What was the US role in Syria?

Behind the curtains, current and former officials say that for several years, many Israeli missions have been reviewed in advance for approval by senior officials at US Central Command and the Pentagon.

This means that the formal coordination was previously unknown, and the secrecy surrounding it demonstrates how Washington has sought to support its Israeli ally.

The US review, according to the WSJ, mainly focuses on Israeli missions in eastern Syria that pass close to the US occupation’s Al-Tanf base.

The vast majority of those Israeli airstrikes were authorized by the United States, but the officials claim the US military does not assist “Israel” in selecting its targets. The US does not review all Israeli operations in Syria they claimed. It is a “well-developed and deliberate process,” one former US official said. This cannot but mean that the operations they choose to review are targeted and singled out.

Read next: The US, a bandit in Syria

“In northeast Syria and in the vicinity of al-Tanf, the US mission is solely securing the enduring defeat of ISIS, working with our local partners,” a US defense official claimed. “We won’t discuss the details of the steps we take to reduce the risk to our forces and to the mission.”

Read next: Al-Mayadeen sources: US Military base in Al-Tanf Targeted with Missiles

US direct intervention

While the US has generally approved the strikes under review, current and former officials claim the US has occasionally asked “Israel” for changes.

The US urged “Israel” to pause its strikes at least twice in order to avoid complicating the battle space while the US military was engaged in “sensitive operations”, they claimed.

However, US officials say that a portion of Israeli airstrikes don’t pass near Al-Tanf base and thus aren’t reviewed by the US, including the latest Israeli aggression on Damascus Airport.

As per the WSJ report, the US military also doesn’t review Israeli airstrikes in Iraq, which “Israel” hasn’t officially confirmed, but US officials say have occurred.

Read next: Israeli occupation launches aggression on Damascus

What is the US doing in Syria?

Besides being an occupation that backs armed groups for its own operations and agenda in the region, the US occupation forces continue to steal Syrian oil by smuggling it from their bases in Syria to their bases in Iraq.

Convoys of tens of vehicles, including tankers loaded with stolen oil from oil fields occupied by US forces in Syria, are frequently seen crossing toward northern Iraq, in addition to trucks loaded with military equipment.

The US interference in the crisis-stricken Middle Eastern country continues to be exposed, from occupation to military agenda and the theft of oil.

', '2026-11-21 21:15:00', '2026-11-21 21:15:05', '2026-11-21 21:15:05'),
  (3, 2, 2, 'sha256:003b', 'WSJ: US pre-screens Israeli raids on Syria', 'Al Mayadeen English', '2022-06-16 00:00:00', 'Al Mayadeen English', ' date 2022-06-17 Posted on by worldpeacewithjustice

16 Jun 2022

Source: Wall Street Journal

By Al Mayadeen English

The Wall Street Journal reports that the US pre-screens raids launched by “Israel” against Syria.

US al-Tanf military base in Syria.

“Israel” secretly coordinates with the US on many of the airstrikes it conducts in Syria, according to current and former US officials.

What was the US role in Syria?

Behind the curtains, current and former officials say that for several years, many Israeli missions have been reviewed in advance for approval by senior officials at US Central Command and the Pentagon.

This means that the formal coordination was previously unknown, and the secrecy surrounding it demonstrates how Washington has sought to support its Israeli ally.

The US review, according to the WSJ, mainly focuses on Israeli missions in eastern Syria that pass close to the US occupation’s Al-Tanf base.

The vast majority of those Israeli airstrikes were authorized by the United States, but the officials claim the US military does not assist “Israel” in selecting its targets. The US does not review all Israeli operations in Syria they claimed. It is a “well-developed and deliberate process,” one former US official said. This cannot but mean that the operations they choose to review are targeted and singled out.

Read next: The US, a bandit in Syria

“In northeast Syria and in the vicinity of al-Tanf, the US mission is solely securing the enduring defeat of ISIS, working with our local partners,” a US defense official claimed. “We won’t discuss the details of the steps we take to reduce the risk to our forces and to the mission.”

Read next: Al-Mayadeen sources: US Military base in Al-Tanf Targeted with Missiles

US direct intervention

While the US has generally approved the strikes under review, current and former officials claim the US has occasionally asked “Israel” for changes.

The US urged “Israel” to pause its strikes at least three times in order to avoid complicating the battle space while the US military was engaged in “sensitive operations”, they claimed.

However, US officials say that a portion of Israeli airstrikes don’t pass near Al-Tanf base and thus aren’t reviewed by the US, including the latest Israeli aggression on Damascus Airport.

As per the WSJ report, the US military also doesn’t review Israeli airstrikes in Iraq, which “Israel” hasn’t officially confirmed, but US officials say have occurred.

Read next: Israeli occupation launches aggression on Damascus

What is the US doing in Syria?

Besides being an occupation that backs armed groups for its own operations and agenda in the region, the US occupation forces continue to steal Syrian oil by smuggling it from their bases in Syria to their bases in Iraq.

Convoys of tens of vehicles, including tankers loaded with stolen oil from oil fields occupied by US forces in Syria, are frequently seen crossing toward northern Iraq, in addition to trucks loaded with military equipment.

The US interference in the crisis-stricken Middle Eastern country continues to be exposed, from occupation to military agenda and the theft of oil.

', '2026-11-21 21:45:00', '2026-11-21 21:45:03', '2026-11-21 21:45:03');
INSERT INTO stories (id, name, tracked, keywords, created_at, last_article_at, announced_at) VALUES
  (1, 'US review of Israeli strikes in Syria', true, ['Israel', 'Syria', 'airstrikes', 'al-Tanf'], '2026-11-21 21:00:00', '2026-11-21 21:45:00', '2026-11-21 21:00:04'),
  (2, 'Heatwave closes schools in the north', false, [], '2026-11-21 21:15:00', NULL, NULL);
INSERT INTO story_links (id, article_id, story_id, score, reason, linked_at) VALUES
  (1, 1, 1, 71.0, 'tracked', '2026-11-21 21:00:04'), (2, 2, 1, 83.5, 'linked', '2026-11-21 21:15:05');
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id, first_article_id, first_outlet, first_seen_at) VALUES
  (1, 1, 'An American report revealed that Israel is secretly coordinating with the United States regarding many of the air strikes it is carrying out in Syria.', 'an american report revealed that israel is secretly coordinating with the united states regarding many of the air strikes it is carrying out in syria.', 'new', NULL, 1, 1, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (2, 1, 'But behind the scenes many Israeli missions were reviewed several years in advance for approval by senior officials in US Central Command and the Pentagon.', 'but behind the scenes many israeli missions were reviewed several years in advance for approval by senior officials in us central command and the pentagon.', 'new', NULL, 1, 1, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (3, 1, 'The United States aims to ensure that Israeli air strikes do not interfere with the U.S.-led military campaign against ISIS militants.', 'the united states aims to ensure that israeli air strikes do not interfere with the u.s.-led military campaign against isis militants.', 'new', NULL, 1, 1, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (4, 1, 'Official coordination has not been reported before, and the secrecy surrounding it shows how Washington sought to support its Israeli ally without being drawn into Israel''s shadow war against Iran.', 'official coordination has not been reported before, and the secrecy surrounding it shows how washington sought to support its israeli ally without being drawn into israel''s shadow war against iran.', 'new', NULL, 1, 1, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (5, 1, 'The vast majority of those Israeli air strikes were approved by the United States.', 'the vast majority of those israeli air strikes were approved by the united states.', 'new', NULL, 1, 1, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (6, 1, 'The US military does not help the Israelis in determining their goals.', 'the us military does not help the israelis in determining their goals.', 'new', NULL, 1, 1, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (7, 1, 'Officials say that the United States does not review all the Israeli operations that were carried out in Syria.', 'officials say that the united states does not review all the israeli operations that were carried out in syria.', 'new', NULL, 1, 1, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (8, 1, 'In October Iran directed a drone attack on the al-Tanf barracks, and no Americans were injured in that raid.', 'in october iran directed a drone attack on the al-tanf barracks, and no americans were injured in that raid.', 'new', NULL, 1, 1, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (9, 1, 'The US review, according to the WSJ, mainly focuses on Israeli missions in eastern Syria that pass close to the US occupation’s Al-Tanf base.', 'the us review, according to the wsj, mainly focuses on israeli missions in eastern syria that pass close to the us occupation’s al-tanf base.', 'new', NULL, 2, 2, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (10, 1, 'While the US has generally approved the strikes under review, current and former officials claim the US has occasionally asked “Israel” for changes.', 'while the us has generally approved the strikes under review, current and former officials claim the us has occasionally asked “israel” for changes.', 'new', NULL, 2, 2, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (11, 1, 'The US urged “Israel” to pause its strikes at least twice in order to avoid complicating the battle space while the US military was engaged in “sensitive operations”, they claimed.', 'the us urged “israel” to pause its strikes at least twice in order to avoid complicating the battle space while the us military was engaged in “sensitive operations”, they claimed.', 'new', NULL, 2, 2, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (12, 1, 'However, US officials say that a portion of Israeli airstrikes don’t pass near Al-Tanf base and thus aren’t reviewed by the US, including the latest Israeli aggression on Damascus Airport.', 'however, us officials say that a portion of israeli airstrikes don’t pass near al-tanf base and thus aren’t reviewed by the us, including the latest israeli aggression on damascus airport.', 'new', NULL, 2, 2, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (13, 1, 'As per the WSJ report, the US military also doesn’t review Israeli airstrikes in Iraq, which “Israel” hasn’t officially confirmed, but US officials say have occurred.', 'as per the wsj report, the us military also doesn’t review israeli airstrikes in iraq, which “israel” hasn’t officially confirmed, but us officials say have occurred.', 'new', NULL, 2, 2, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (14, 1, 'Besides being an occupation that backs armed groups for its own operations and agenda in the region, the US occupation forces continue to steal Syrian oil by smuggling it from their bases in Syria to their bases in Iraq.', 'besides being an occupation that backs armed groups for its own operations and agenda in the region, the us occupation forces continue to steal syrian oil by smuggling it from their bases in syria to their bases in iraq.', 'new', NULL, 2, 2, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (15, 1, 'The US urged “Israel” to pause its strikes at least three times in order to avoid complicating the battle space while the US military was engaged in “sensitive operations”, they claimed.', 'the us urged “israel” to pause its strikes at least three times in order to avoid complicating the battle space while the us military was engaged in “sensitive operations”, they claimed.', 'changed', 11, 3, 2, 'Al Mayadeen English', '2026-11-21 21:45:03');
INSERT INTO claim_mentions (id, claim_id, story_id, version_id, article_id, sentence_index, sentence, status, score, outlet, mentioned_at) VALUES
  (1, 1, 1, 1, 1, 0, 'An American report revealed that Israel is secretly coordinating with the United States regarding many of the air strikes it is carrying out in Syria.', 'new', NULL, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (2, 2, 1, 1, 1, 1, 'But behind the scenes many Israeli missions were reviewed several years in advance for approval by senior officials in US Central Command and the Pentagon.', 'new', NULL, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (3, 3, 1, 1, 1, 2, 'The United States aims to ensure that Israeli air strikes do not interfere with the U.S.-led military campaign against ISIS militants.', 'new', NULL, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (4, 4, 1, 1, 1, 3, 'Official coordination has not been reported before, and the secrecy surrounding it shows how Washington sought to support its Israeli ally without being drawn into Israel''s shadow war against Iran.', 'new', NULL, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (5, 5, 1, 1, 1, 4, 'The vast majority of those Israeli air strikes were approved by the United States.', 'new', NULL, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (6, 6, 1, 1, 1, 5, 'The US military does not help the Israelis in determining their goals.', 'new', NULL, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (7, 7, 1, 1, 1, 6, 'Officials say that the United States does not review all the Israeli operations that were carried out in Syria.', 'new', NULL, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (8, 8, 1, 1, 1, 7, 'In October Iran directed a drone attack on the al-Tanf barracks, and no Americans were injured in that raid.', 'new', NULL, 'worldpeacewithjustice', '2026-11-21 21:00:04'),
  (9, 1, 1, 2, 2, 0, '“Israel” secretly coordinates with the US on many of the airstrikes it conducts in Syria, according to current and former US officials.', 'seen', 0.91, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (10, 2, 1, 2, 2, 1, 'Behind the curtains, current and former officials say that for several years, many Israeli missions have been reviewed in advance for approval by senior officials at US Central Command and the Pentagon.', 'seen', 0.88, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (11, 4, 1, 2, 2, 2, 'This means that the formal coordination was previously unknown, and the secrecy surrounding it demonstrates how Washington has sought to support its Israeli ally.', 'seen', 0.84, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (12, 9, 1, 2, 2, 3, 'The US review, according to the WSJ, mainly focuses on Israeli missions in eastern Syria that pass close to the US occupation’s Al-Tanf base.', 'new', NULL, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (13, 5, 1, 2, 2, 4, 'The vast majority of those Israeli airstrikes were authorized by the United States, but the officials claim the US military does not assist “Israel” in selecting its targets.', 'seen', 0.86, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (14, 7, 1, 2, 2, 5, 'The US does not review all Israeli operations in Syria they claimed.', 'seen', 0.9, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (15, 10, 1, 2, 2, 6, 'While the US has generally approved the strikes under review, current and former officials claim the US has occasionally asked “Israel” for changes.', 'new', NULL, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (16, 11, 1, 2, 2, 7, 'The US urged “Israel” to pause its strikes at least twice in order to avoid complicating the battle space while the US military was engaged in “sensitive operations”, they claimed.', 'new', NULL, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (17, 12, 1, 2, 2, 8, 'However, US officials say that a portion of Israeli airstrikes don’t pass near Al-Tanf base and thus aren’t reviewed by the US, including the latest Israeli aggression on Damascus Airport.', 'new', NULL, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (18, 13, 1, 2, 2, 9, 'As per the WSJ report, the US military also doesn’t review Israeli airstrikes in Iraq, which “Israel” hasn’t officially confirmed, but US officials say have occurred.', 'new', NULL, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (19, 14, 1, 2, 2, 10, 'Besides being an occupation that backs armed groups for its own operations and agenda in the region, the US occupation forces continue to steal Syrian oil by smuggling it from their bases in Syria to their bases in Iraq.', 'new', NULL, 'Al Mayadeen English', '2026-11-21 21:15:05'),
  (20, 1, 1, 3, 2, 0, '“Israel” secretly coordinates with the US on many of the airstrikes it conducts in Syria, according to current and former US officials.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (21, 2, 1, 3, 2, 1, 'Behind the curtains, current and former officials say that for several years, many Israeli missions have been reviewed in advance for approval by senior officials at US Central Command and the Pentagon.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (22, 4, 1, 3, 2, 2, 'This means that the formal coordination was previously unknown, and the secrecy surrounding it demonstrates how Washington has sought to support its Israeli ally.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (23, 9, 1, 3, 2, 3, 'The US review, according to the WSJ, mainly focuses on Israeli missions in eastern Syria that pass close to the US occupation’s Al-Tanf base.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (24, 5, 1, 3, 2, 4, 'The vast majority of those Israeli airstrikes were authorized by the United States, but the officials claim the US military does not assist “Israel” in selecting its targets.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (25, 7, 1, 3, 2, 5, 'The US does not review all Israeli operations in Syria they claimed.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (26, 10, 1, 3, 2, 6, 'While the US has generally approved the strikes under review, current and former officials claim the US has occasionally asked “Israel” for changes.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (27, 15, 1, 3, 2, 7, 'The US urged “Israel” to pause its strikes at least three times in order to avoid complicating the battle space while the US military was engaged in “sensitive operations”, they claimed.', 'changed', 0.81, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (28, 12, 1, 3, 2, 8, 'However, US officials say that a portion of Israeli airstrikes don’t pass near Al-Tanf base and thus aren’t reviewed by the US, including the latest Israeli aggression on Damascus Airport.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (29, 13, 1, 3, 2, 9, 'As per the WSJ report, the US military also doesn’t review Israeli airstrikes in Iraq, which “Israel” hasn’t officially confirmed, but US officials say have occurred.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03'),
  (30, 14, 1, 3, 2, 10, 'Besides being an occupation that backs armed groups for its own operations and agenda in the region, the US occupation forces continue to steal Syrian oil by smuggling it from their bases in Syria to their bases in Iraq.', 'seen', 1.0, 'Al Mayadeen English', '2026-11-21 21:45:03');
INSERT INTO alerts (id, kind, claim_id, story_id, channel, status, attempts, created_at, sent_at) VALUES
  (1, 'new_story', 0, 1, 'team-webhook', 'sent', 1, '2026-11-21 21:00:04', '2026-11-21 21:00:04'),
  (2, 'new_claim', 9, 1, 'team-webhook', 'sent', 1, '2026-11-21 21:15:05', '2026-11-21 21:15:05'),
  (3, 'new_claim', 10, 1, 'team-webhook', 'sent', 1, '2026-11-21 21:15:05', '2026-11-21 21:15:05'),
  (4, 'new_claim', 11, 1, 'team-webhook', 'sent', 1, '2026-11-21 21:15:05', '2026-11-21 21:15:05'),
  (5, 'new_claim', 12, 1, 'team-webhook', 'sent', 1, '2026-11-21 21:15:05', '2026-11-21 21:15:05'),
  (6, 'new_claim', 13, 1, 'team-webhook', 'sent', 1, '2026-11-21 21:15:05', '2026-11-21 21:15:05'),
  (7, 'new_claim', 14, 1, 'team-webhook', 'sent', 1, '2026-11-21 21:15:05', '2026-11-21 21:15:05'),
  (8, 'changed_claim', 15, 1, 'team-webhook', 'sent', 1, '2026-11-21 21:45:03', '2026-11-21 21:45:03');
INSERT INTO runs (id, started_at, finished_at, status, summary) VALUES
  (1, '2026-11-21 21:00:00', '2026-11-21 21:00:04', 'completed', '{"articles": 1, "new_claims": 8}'),
  (2, '2026-11-21 21:15:00', '2026-11-21 21:15:05', 'completed', '{"articles": 1, "new_claims": 6}'),
  (3, '2026-11-21 21:45:00', '2026-11-21 21:45:03', 'completed', '{"articles": 1, "changed_claims": 1}');
-- A feed taken out of the config: kept with its history, no longer polled.
INSERT INTO feeds (id, url, name, interval_minutes, next_check_at, last_checked_at, last_success_at, last_status, created_at, active) VALUES
  (5, 'http://127.0.0.1:8765/old-desk/feed.xml', 'Old desk', 15, '2026-11-21 21:00:00', '2026-11-21 20:45:00', '2026-11-21 20:45:00', 200, '2026-11-20 09:00:00', false);
