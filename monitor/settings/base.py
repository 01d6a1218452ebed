"""The base of every settings section: unknown keys are an error, assignments are validated."""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """One table of the config file."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
