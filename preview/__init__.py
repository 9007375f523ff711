"""The preview page (static HTML/CSS/JS), shipped in the wheel as toolkit._preview."""
