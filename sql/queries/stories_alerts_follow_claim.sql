UPDATE alerts SET story_id = ? WHERE claim_id = ? AND kind <> 'new_story'
