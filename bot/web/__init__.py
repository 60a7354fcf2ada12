"""zoombot's web side: the Starlette apps, their routes, the runtime they share, the process
entry (`bot.web.run.main`) and the framework tweaks kept (`bot.web.tweaks`)."""
