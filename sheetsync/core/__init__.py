"""The pure core: functions over plain data.  No module here imports a backend."""
