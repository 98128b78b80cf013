"""Files in and out: scenario YAML/JSON, Genius XML, JCC voyage spreadsheets, exports."""
