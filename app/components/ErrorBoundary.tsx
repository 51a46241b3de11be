// ErrorBoundary.tsx - a bug in a component shows a message and a retry button, not a blank page.
'use client';
import { Component, type ReactNode } from 'react';

interface State { error: Error | null }

export class ErrorBoundary extends Component<{ children: ReactNode; label?: string }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error): void {
    console.error(error); // the stack belongs in the console, not in front of the learner
  }

  render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error-note" role="alert">
        <strong>{this.props.label ?? 'This part of the page'} stopped working.</strong>
        <p className="hint">That is a bug in Glassbox, not something you did. {this.state.error.message}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>Try again</button>
      </div>
    );
  }
}
